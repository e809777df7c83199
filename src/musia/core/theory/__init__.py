"""Music theory in pitch classes and MIDI numbers: keys, scales, chords, meters. Pure functions."""
