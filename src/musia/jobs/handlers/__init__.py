"""One module per family of job kinds; each registers its kinds on import."""
