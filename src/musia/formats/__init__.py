"""Writers and readers at the edge: the song model in, files out (and back)."""
