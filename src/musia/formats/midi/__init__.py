"""Standard MIDI Files: the song model written as a type 1 file, and any type 0/1 file read back.

The writer is our own (small, fixed format, byte-identical output); reading uses mido, imported
only when a file is read.
"""

from musia.formats.midi.read import MAX_MIDI_BYTES, midi_to_song, read_midi
from musia.formats.midi.write import song_to_midi, tempo_microseconds, ticks, write_midi

__all__ = [
    "MAX_MIDI_BYTES",
    "midi_to_song",
    "read_midi",
    "song_to_midi",
    "tempo_microseconds",
    "ticks",
    "write_midi",
]
