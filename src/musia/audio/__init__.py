"""Audio at the edge: the SoundFont synth, loudness and, later, analysis and transforms."""
