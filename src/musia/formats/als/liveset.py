"""The song model as a Live set: one `LiveSet` element built from a `Song`.

What the set holds: one MIDI track per song track (named, coloured, with its volume and pan, and
with `instruments` its Simpler or Drum Rack), each clip both in the arrangement at its start and
in the session slot of its section's scene; with stems, a folded group "Stems" of one audio
track per rendered part (muted when instruments play);
one scene and one locator per section, named after it; two return tracks (A Reverb, B Delay, as
in Live's default set); the main track with the tempo and time signature and their default
automation envelopes; the pre-listen track; and every set-wide setting at Live's default.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from musia.core.model import Section, Song, Track, on_grid
from musia.formats.als import defaults
from musia.formats.als.audio import StemTrack, arrangement_audio_clip, session_audio_clip
from musia.formats.als.clips import ClipPlacement, follow_action, midi_clip, notes_element
from musia.formats.als.envelopes import PITCH_BEND_TARGET, cutoff_automation
from musia.formats.als.ids import sibling_ids
from musia.formats.als.instruments import Instrument, instrument_device
from musia.formats.als.mixdesk import (
    Channel,
    KickSource,
    SetMix,
    channel,
    cutoff_envelopes,
    kick_source,
    master_rack,
    return_device,
    send_levels,
    volume_db,
)
from musia.formats.als.mixer import (
    db_to_gain,
    main_mixer,
    prehear_mixer,
    time_signature_value,
    track_mixer,
)
from musia.formats.als.names import clean_name
from musia.formats.als.node import Node, el, lom, val, values
from musia.formats.als.params import SEND_OFF, Build, automation_transform_state
from musia.formats.als.sequencers import (
    audio_sequencer,
    midi_controller_targets,
    midi_main_sequencer,
)
from musia.formats.als.tracks import (
    TrackHead,
    audio_track,
    group_track,
    main_track,
    midi_track,
    prehear_track,
    return_track,
)
from musia.formats.als.versions import LiveFormat

DEFAULT_EVENT_TIME = -63072000  # where Live puts the first event of every automation envelope
PALETTE_MAX = 69  # Live's colour palette: 0..69
COLOR_NONE = -1
VIDEO_RECT_UNSET = -2147483648


@dataclass(frozen=True, slots=True)
class ReturnSpec:
    name: str
    device: str  # a stock device of `devices.DEVICES`
    color: int


RETURNS = (ReturnSpec("Reverb", "Reverb", 16), ReturnSpec("Delay", "Delay", 17))
MAIN_COLOR = {11: 20, 12: 10}
EMPTY_TRACK = Track(name="MIDI", part="", program=0, channel=0, color_index=20, clips=())


def build_live_set(
    song: Song,
    fmt: LiveFormat,
    *,
    mix: SetMix | None = None,
    stems: Sequence[StemTrack] = (),
    instruments: Mapping[int, Instrument] | None = None,
) -> Node:
    """The root `Ableton` element of the set for `song`.

    `stems` adds one audio track per rendered part after the MIDI tracks (see `_audio_track`).
    `instruments` gives the MIDI track at an index of `song.tracks` its instrument (a Simpler or
    a Drum Rack playing the project's samples); with instruments the stems' group is muted, so
    the stems stay in the set as reference bounces instead of doubling the sound.

    `mix` writes the style's mix as Live's stock devices (`mixdesk.py`): fader levels, sends,
    each track's effects rack (EQ Eight, sidechain Compressor, Auto Filter with the cutoff
    automation), Reverb and Delay on the returns and the master bus. Without it the returns are
    empty and the sends off (no preset files to name: see `presets.py`).
    """
    b = Build(fmt)
    scenes = max(1, len(song.sections))
    # Live's sets always hold a MIDI track: a song without tracks gets an empty one, as new sets do.
    parts = song.tracks or (EMPTY_TRACK,)
    playing = instruments or {}
    track_ids = [b.ids.tracks.take() for _ in parts]
    names = [_track_name(track) for track in parts]
    kick = kick_source(names, track_ids, song) if mix is not None else None
    tracks = [
        _midi_track(b, song, track, track_id, mix, kick, playing.get(index))
        for index, (track, track_id) in enumerate(zip(parts, track_ids, strict=True))
    ]
    tracks += _stem_tracks(b, song, [s for s in stems if s.grouped], muted=bool(playing))
    tracks += [_audio_track(b, song, stem) for stem in stems if not stem.grouped]
    tracks += [_return_track(b, song, i, spec, mix) for i, spec in enumerate(RETURNS)]
    body = [
        *values(("OverwriteProtectionNumber", fmt.overwrite_protection)),
        *values(("LomId", 0), ("LomIdView", 0)),
        el("Tracks", *tracks),
        _main_track(b, song, scenes, mix),
        _prehear_track(b),
        el("SendsPre", *(el("SendPreBool", Id=i, Value=False) for i in sibling_ids(len(RETURNS)))),
        el("Scenes", *_scenes(song)),
        defaults.transport(),
        *_set_settings(b, song, len(tracks) - len(RETURNS)),
    ]
    body.insert(0, val("NextPointeeId", b.ids.pointees.next_free))
    return el("Ableton", el("LiveSet", *body), **fmt.root_attrs())


def section_label(section: Section) -> str:
    """The name a section's scene and locator carry (as the composer names its clips)."""
    return clean_name(section.name.title(), "Section")


def _track_name(track: Track) -> str:
    return clean_name(track.name, track.part.title() or "MIDI")


def _midi_track(
    b: Build,
    song: Song,
    track: Track,
    track_id: int,
    mix: SetMix | None,
    kick: KickSource | None,
    instrument: Instrument | None,
) -> Node:
    name = _track_name(track)
    color = min(PALETTE_MAX, max(0, track.color_index))
    head = TrackHead("MidiTrack", name, name, color, track_id, unfolded=True)
    mixer = track_mixer(
        b,
        volume=db_to_gain(volume_db(track, mix.mix) if mix else track.volume_db),
        pan=min(1.0, max(-1.0, track.pan)),
        sends=send_levels(mix.mix, track.part) if mix else _sends_off(),
    )
    devices = [instrument_device(b, instrument, song)] if instrument is not None else []
    strip = channel(b, song, track, mix, kick) if mix is not None else Channel(None, None)
    if strip.rack is not None:
        devices.append(strip.rack)
    cutoff = strip.cutoff_target
    if cutoff is not None and b.fmt.is12:  # Live 12: the track's automation (envelopes.py)
        head.envelopes.append(cutoff_automation(0, cutoff, cutoff_envelopes(track)))
        cutoff = None
    ordered = sorted(track.clips, key=lambda c: c.start_beats)
    starts = {on_grid(s.start_bar * song.bar_beats): i for i, s in enumerate(song.sections)}
    arrangement: list[Node] = []
    session: list[Node | None] = [None] * max(1, len(song.sections))
    controllers = midi_controller_targets(b)  # the clips' pitch-bend envelopes point at one
    bend = int(controllers[PITCH_BEND_TARGET].get("Id") or 0)
    for index, clip in enumerate(ordered):
        notes = notes_element(b, clip.notes)  # shared: the session copy holds the same notes
        place = ClipPlacement(index, clip.start_beats, in_arrangement=True)
        arrangement.append(
            midi_clip(
                b,
                clip,
                place,
                color=color,
                meter=song.meter,
                notes=notes,
                pitch_bend_target=bend,
                cutoff_target=cutoff,
            )
        )
        slot = starts.get(on_grid(clip.start_beats))
        if slot is not None and session[slot] is None:
            place = ClipPlacement(0, 0.0, in_arrangement=False)
            session[slot] = midi_clip(b, clip, place, color=color, meter=song.meter, notes=notes)
    sequencer = midi_main_sequencer(b, session, arrangement, controllers)
    return midi_track(b, head, mixer, sequencer, len(session), devices)


STEMS_GROUP_NAME = "Stems"
STEMS_GROUP_COLOR = 13


def _stem_tracks(
    b: Build, song: Song, stems: Sequence[StemTrack], *, muted: bool = False
) -> list[Node]:
    """The stem tracks inside one folded group track, "Stems": the set looks like the MIDI
    project it is, with one row that plays; the group's fader, mute or solo acts on every stem
    at once (`muted` when instruments on the MIDI tracks play the parts)."""
    if not stems:
        return []
    group_id = b.ids.tracks.take()
    name = STEMS_GROUP_NAME
    head = TrackHead("GroupTrack", name, name, STEMS_GROUP_COLOR, group_id, unfolded=False)
    mixer = track_mixer(b, volume=1.0, pan=0.0, sends=_sends_off(), speaker=not muted)
    group = group_track(b, head, mixer, max(1, len(song.sections)))
    return [group, *(_audio_track(b, song, stem, group_id) for stem in stems)]


def _audio_track(b: Build, song: Song, stem: StemTrack, group_id: int = -1) -> Node:
    """A part's stem, at unity gain and centred: the stem already carries the part's level and pan
    from the preview mix, so the stem tracks at 0 dB add up to `preview.wav`. The stem plays from
    bar 1 in the arrangement (Live 11 format), and each scene's slot holds the stem's stretch of
    that section, looping, as the MIDI tracks' session clips do.

    Live 12 format: no arrangement clip. Too few Live 12.3 saves in the checker's profile hold an
    arrangement audio clip for it to know that element, so the stems are session clips only there.
    """
    color = min(PALETTE_MAX, max(0, stem.color_index))
    name = clean_name(stem.name, stem.part.title() or "Audio")
    head = TrackHead(
        "AudioTrack", name, name, color, b.ids.tracks.take(), unfolded=True, group_id=group_id
    )
    mixer = track_mixer(b, volume=1.0, pan=0.0, sends=_sends_off())
    arrangement = [] if b.fmt.is12 else [arrangement_audio_clip(b, stem, song)]
    session: list[Node | None] = [
        session_audio_clip(b, stem, song, span) for span in _section_spans(song)
    ] or [None]
    sequencer = audio_sequencer(b, session, arrangement, show_preset_name=not b.fmt.is12)
    return audio_track(b, head, mixer, sequencer, len(session))


def _section_spans(song: Song) -> list[tuple[float, float]]:
    return [
        (on_grid(s.start_bar * song.bar_beats), on_grid((s.start_bar + s.bars) * song.bar_beats))
        for s in song.sections
    ]


def _return_track(b: Build, song: Song, index: int, spec: ReturnSpec, mix: SetMix | None) -> Node:
    letter = chr(ord("A") + index)
    track_id = b.ids.tracks.take()
    head = TrackHead("ReturnTrack", f"{letter}-{spec.name}", spec.name, spec.color, track_id)
    # A return track's sends to the returns stay off (Live greys them out).
    mixer = track_mixer(
        b,
        volume=1.0,
        pan=0.0,
        sends=[SEND_OFF] * len(RETURNS),
        sends_enabled=False,
        timeable_index=2,
    )
    devices = [return_device(b, spec.device, mix, song.bpm)] if mix is not None else []
    return return_track(b, head, mixer, devices)


def _sends_off() -> list[float]:
    return [SEND_OFF] * len(RETURNS)


def _main_track(b: Build, song: Song, scenes: int, mix: SetMix | None) -> Node:
    signature = time_signature_value(song.meter.numerator, song.meter.denominator)
    mixer = main_mixer(b, bpm=song.bpm, time_signature=signature)
    envelopes = [
        _default_envelope(0, _target_id(mixer, "TimeSignature"), "EnumEvent", signature),
        _default_envelope(1, _target_id(mixer, "Tempo"), "FloatEvent", song.bpm),
    ]
    color = MAIN_COLOR[b.fmt.major]
    head = TrackHead(b.fmt.main_tag, b.fmt.main_name, "", color, envelopes=envelopes)
    devices = [master_rack(b, mix)] if mix is not None else []
    return main_track(b, head, mixer, scenes, devices)


def _prehear_track(b: Build) -> Node:
    name = "0-Main" if b.fmt.is12 else "Master"  # as Live names the cue track
    return prehear_track(b, TrackHead("PreHearTrack", name, "", COLOR_NONE), prehear_mixer(b))


def _target_id(mixer: Node, parameter: str) -> str:
    param = mixer.find(parameter)
    target = param.find("AutomationTarget") if param is not None else None
    target_id = target.get("Id") if target is not None else None
    if target_id is None:
        raise AssertionError(f"the main mixer has no {parameter} automation target")
    return target_id


def _default_envelope(index: int, pointee: str, event: str, value: float) -> Node:
    """The envelope Live keeps for tempo and time signature: one event, long before the song."""
    return el(
        "AutomationEnvelope",
        el("EnvelopeTarget", val("PointeeId", pointee)),
        el(
            "Automation",
            el("Events", el(event, Id=0, Time=DEFAULT_EVENT_TIME, Value=value)),
            automation_transform_state(),
        ),
        Id=index,
    )


def _scenes(song: Song) -> list[Node]:
    """One scene per section. Scene tempo and signature stay off; their values (whole BPM, as
    Live stores them) are what the producer gets on switching them on."""
    names = [section_label(s) for s in song.sections] or [""]
    signature = time_signature_value(song.meter.numerator, song.meter.denominator)
    return [
        el(
            "Scene",
            follow_action(jump_index=0),
            *values(("Name", name), ("Annotation", ""), ("Color", COLOR_NONE)),
            *values(("Tempo", round(song.bpm)), ("IsTempoEnabled", False)),
            *values(("TimeSignatureId", signature), ("IsTimeSignatureEnabled", False)),
            val("LomId", 0),
            lom("ClipSlotsListWrapper"),
            Id=i,
        )
        for i, name in enumerate(names)
    ]


def _locators(song: Song) -> Node:
    locators = [
        el(
            "Locator",
            val("LomId", 0),
            val("Time", on_grid(section.start_bar * song.bar_beats)),
            *values(("Name", section_label(section)), ("Annotation", "")),
            val("IsSongStart", False),
            Id=i,
        )
        for i, section in enumerate(song.sections)
    ]
    return el("Locators", el("Locators", *locators))


def _set_settings(b: Build, song: Song, tracks: int) -> list[Node]:
    """Everything after the transport, in Live's order."""
    is12 = b.fmt.is12
    nodes: list[Node] = []
    if is12:
        nodes += [el("SessionScrollPos", X=0, Y=0), val("SelectedBreakpointValue", 0)]
    else:
        nodes.append(el("SongMasterValues", el("SessionScrollerPos", X=0, Y=0)))
    nodes += [
        el("SignalModulations"),
        *values(("GlobalQuantisation", 4), ("AutoQuantisation", 0)),
        defaults.grid(),
        defaults.scale_information(b),
        *values(("InKey", False), ("SmpteFormat", 0)),  # see clips.py: no scale but C major yet
        el("TimeSelection", val("AnchorTime", 0), val("OtherTime", 0)),
        defaults.sequencer_navigator(b),
        *values(("IsContentSplitterOpen", True), ("IsExpressionSplitterOpen", True)),
        *defaults.editor_lanes(b),
        val("ViewStateFxSlotCount", 4),
        *_mixer_view_settings(b),
        _locators(song),
        el("DetailClipKeyMidis"),
        *defaults.list_wrappers(),
        val("SelectedDocumentViewInMainWindow", 0) if is12 else val("ChooserBar", 0),
        *_global_settings(b, song, tracks),
    ]
    return nodes


def _mixer_view_settings(b: Build) -> list[Node]:
    if not b.fmt.is12:
        return [val("ViewStateSessionMixerHeight", 120)]
    return values(
        ("ViewStateSessionMixerVolumeSectionHeight", 120),
        ("ViewStateArrangerMixerVolumeSectionHeight", 120),
        ("ShouldSceneTempoAndTimeSignatureBeVisible", False),
        ("WaveformVerticalZoomFactor", 1),
        ("IsWaveformVerticalZoomActive", True),
    )


def _global_settings(b: Build, song: Song, tracks: int) -> list[Node]:
    is12 = b.fmt.is12
    picker = f"AutoColorPickerForReturnAnd{'Main' if is12 else 'Master'}Tracks"
    nodes = values(
        ("Annotation", ""),
        ("SoloOrPflSavedValue", True),
        ("SoloInPlace", True),
        ("CrossfadeCurve", 2),
        ("LatencyCompensation", 2),
        ("HighlightedTrackIndex", 0),
    )
    nodes += [
        defaults.groove_pool(b),
        *values(("AutomationMode", False), ("SnapAutomationToGrid", True)),
        *values(("ArrangementOverdub", False), ("ColorSequenceIndex", _color_sequence(song))),
        el("AutoColorPickerForPlayerAndGroupTracks", val("NextColorIndex", tracks + 1)),
        el(picker, val("NextColorIndex", len(RETURNS) + 1)),
        val("ViewData", "{}"),
        *values(("ResetNonautomatedMidiControllersOnClipStarts", True), ("MidiFoldIn", False)),
        *values(("MidiFoldMode", -99 if is12 else 0), ("MultiClipFocusMode", False)),
        *values(("MultiClipLoopBarHeight", 0), ("MidiPrelisten", False)),
        el("LinkedTrackGroups"),
    ]
    if is12:
        nodes.append(val("NoteSpellingPreference", 0))
    nodes += [
        *values(("AccidentalSpellingPreference", 3), ("PreferFlatRootNote", False)),
        val("UseWarperLegacyHiQMode", False),
        _video_rect(),
        val("ShowVideoWindow", True),
    ]
    if is12:
        nodes.append(el("TuningSystems"))
    nodes += [val("TrackHeaderWidth", 93), *defaults.detail_view_flags(b), defaults.view_states(b)]
    if is12:
        nodes.append(defaults.note_algorithms(b))
    return nodes


def _video_rect() -> Node:
    corner = VIDEO_RECT_UNSET
    return el("VideoWindowRect", Top=corner, Left=corner, Bottom=corner, Right=corner)


def _color_sequence(song: Song) -> int:
    """Where Live's automatic track colours continue from: derived from the seed, so that the same
    song gives the same bytes."""
    return (song.seed * 2654435761) % 2**31
