"""The one error engines raise on purpose."""

from __future__ import annotations


class SttError(Exception):
    """An engine could not do what was asked; the message is meant for the home-server owner."""
