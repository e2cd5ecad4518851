"""The error engines raise for a model they cannot use; the service stops on it at start."""

from __future__ import annotations


class WakeModelError(Exception):
    """A wake model file is missing, corrupt or does not match this engine."""
