"""Musia: a sentence becomes a music project a producer can open and finish."""

__version__ = "0.1.0"
