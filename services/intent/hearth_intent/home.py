"""The home as its owner describes it: the things Hearth can control, by the names people use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Device:
    """A controllable thing in the home, as the owner names it."""

    name: str
    domain: str
    area: str | None = None
