"""Hearth: a local, privacy-first voice assistant. This package holds what every service and
plugin shares."""

__version__ = "0.1.0"
