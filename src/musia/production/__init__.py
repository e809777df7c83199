"""Production: a song → sound and files, top-down.

- `instruments`: the sounds a song's parts play (Musia's multi-sampled instruments, or General
  MIDI programs), written as one-shots beside the set.
- `library`: the producer's own samples chosen for a song, placed in the set and the preview.
- `render`: the audio preview and its stems (Musia's instruments through the style's desk and
  master, or a General MIDI SoundFont).
- `assemble`: the project folder: the Live set, the MIDI file, the plan, the preview.
"""
