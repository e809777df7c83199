"""Where the General MIDI SoundFont is: the one asked for, else `$MUSIA_SOUNDFONT`, else one a
Linux distribution installed, else the TimGM6mb.sf2 that the pretty_midi wheel ships. It renders
`musia render` of MIDI files from elsewhere, any song with `--soundfont`, and teaches the sample
classifier the drums of General MIDI. Located, never imported: this needs no audio extra."""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path

from musia.errors import AudioUnavailable, InvalidInput

SOUNDFONT_ENV = "MUSIA_SOUNDFONT"
# Better General MIDI SoundFonts that Linux distributions install (fluid-soundfont-gm, …).
SYSTEM_SOUNDFONTS = (
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    Path("/usr/share/soundfonts/FluidR3_GM.sf2"),
    Path("/usr/share/sounds/sf2/default-GM.sf2"),
    Path("/usr/share/soundfonts/default.sf2"),
)


def bundled_soundfont() -> Path | None:
    """The TimGM6mb.sf2 that the pretty_midi wheel ships, when it is installed."""
    spec = find_spec("pretty_midi")  # located, not imported: only its data file is used
    if spec is None or not spec.origin:
        return None
    bundled = Path(spec.origin).with_name("TimGM6mb.sf2")
    return bundled if bundled.is_file() else None


def find_soundfont(explicit: Path | None = None) -> Path:
    """The SoundFont to render with: `explicit`, else $MUSIA_SOUNDFONT, else a system General
    MIDI SoundFont, else the TimGM6mb.sf2 that the pretty_midi wheel ships."""
    chosen = explicit or (
        Path(os.environ[SOUNDFONT_ENV]) if os.environ.get(SOUNDFONT_ENV) else None
    )
    if chosen is not None:
        if not chosen.is_file():
            raise InvalidInput(f"SoundFont not found: {chosen}", field="soundfont")
        return chosen
    for path in SYSTEM_SOUNDFONTS:
        if path.is_file():
            return path
    bundled = bundled_soundfont()
    if bundled is not None:
        return bundled
    raise AudioUnavailable(
        f"no General MIDI SoundFont found: install the audio extra (pip install 'musia[audio]'), "
        f"or point {SOUNDFONT_ENV} at a .sf2 file"
    )
