"""An edit asked in the chat, checked before anything is made: what it changes, said in one line
in the user's language ("tempo 124 → 128 · removed: hats"), and the edits that would change
nothing ("add a pad" to a song that has one) or that name a sound Musia has no style for ("make
it sound like Daft Punk" must not turn a house song into pop) — those are said, not applied."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from musia.chat.replies import say
from musia.core.plan import Plan
from musia.core.plan_builder import plan_from_reading
from musia.core.prompt import read_prompt
from musia.core.prompt.reading import DRUM_ELEMENTS, STYLES, PromptReading
from musia.core.theory.key import Key

SEPARATOR = " · "


@dataclass(frozen=True)
class Change:
    """One musical difference: `name` picks the template (change_<name> in replies.toml)."""

    name: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Edit:
    plan: Plan
    reading: PromptReading
    unknown_style: str | None  # the genre words of a style Musia does not have, as written


def read_edit(text: str, base: Plan) -> Edit:
    """The edited plan. A genre Musia has no style for ("Daft Punk" → a related "pop") keeps the
    song's style: a related style is a fine guess for a new song, not a reason to rewrite one."""
    reading = read_prompt(text)
    unknown = None
    if reading.style_source == "related":
        unknown = " ".join(reading.genre_words) or str(reading.style)
        dropped = str(reading.style)
        warnings = tuple(w for w in reading.warnings if f"'{dropped}'" not in w)
        reading = dataclasses.replace(
            reading, style=None, style_source=None, genre_words=(), warnings=warnings
        )
    plan = plan_from_reading(reading, seed=base.seed, base=base)
    return Edit(plan, reading, unknown)


def changes(before: Plan, after: Plan) -> tuple[Change, ...]:
    """What a producer hears change, in a fixed order; derived fields (sections, seed) and
    bookkeeping (intent, warnings) are not changes."""
    found: list[Change] = []
    pairs = [
        ("style", before.style, after.style),
        ("tempo", f"{before.bpm:g}", f"{after.bpm:g}"),
        ("key", _key(before), _key(after)),
        ("meter", before.time_signature, after.time_signature),
        ("bars", str(before.bars), str(after.bars)),
        ("mood", before.mood or "–", after.mood or "–"),
    ]
    found += [Change(name, old, new) for name, old, new in pairs if old != new]
    added: list[str] = [p for p in after.parts if p not in before.parts]
    removed: list[str] = [p for p in before.parts if p not in after.parts]
    if "drums" in before.parts and "drums" in after.parts:  # else the whole kit came or went
        was, now = _taken_out(before), _taken_out(after)
        added += [e for e in was if e not in now]
        removed += [e for e in now if e not in was]
    if added:
        found.append(Change("added", after=", ".join(added)))
    if removed:
        found.append(Change("removed", after=", ".join(removed)))
    kept = [p for p in after.parts if p in before.parts]
    resounded = [p for p in kept if before.sounds.get(p) != after.sounds.get(p)]
    if resounded:
        found.append(Change("sound", after=", ".join(resounded)))
    return tuple(found)


def line(language: str, found: tuple[Change, ...]) -> str:
    """The changes in one line, in the user's language."""
    return SEPARATOR.join(
        say(language, f"change_{c.name}", before=c.before, after=c.after) for c in found
    )


def nothing_done(language: str, edit: Edit, base: Plan, version: int) -> str:
    """Why an edit made no new version: the song already has (or lacks) what was asked, a
    sound Musia has no style for, or nothing it could read as a change."""
    words = {"title": base.title, "version": version, "style": base.style}
    if edit.unknown_style is not None:
        styles = ", ".join(STYLES)
        return say(language, "unknown_style", genre=edit.unknown_style, styles=styles, **words)
    present = _sounding(base)
    asked = [p for p in edit.reading.include if p in present]
    if asked and len(asked) == len(edit.reading.include):
        return say(language, "already_has", items=", ".join(asked), **words)
    refused = [p for p in edit.reading.exclude if p not in present]
    if refused and len(refused) == len(edit.reading.exclude):
        return say(language, "already_without", items=", ".join(refused), **words)
    return say(language, "nothing_changed", **words)


def unknown_note(language: str, edit: Edit, base: Plan) -> str | None:
    """The note added to an edit that changed other things but named an unknown sound."""
    if edit.unknown_style is None:
        return None
    return say(language, "unknown_style_kept", genre=edit.unknown_style, style=base.style)


def _sounding(plan: Plan) -> tuple[str, ...]:
    """The parts, and the drum elements when the drums play (minus those taken out)."""
    elements = DRUM_ELEMENTS if "drums" in plan.parts else ()
    return (*plan.parts, *(e for e in elements if e not in plan.remove_parts))


def _taken_out(plan: Plan) -> tuple[str, ...]:
    return tuple(e for e in plan.remove_parts if e in DRUM_ELEMENTS)


def _key(plan: Plan) -> str:
    return Key(plan.tonic_pc, plan.mode).name
