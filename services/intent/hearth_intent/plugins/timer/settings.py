"""The timer plugin's settings (`intent.plugin_settings.timer`), read once at start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_GRACE_S = 600.0
"""How late a timer missed while the intent service was down may still ring: ten minutes (the
pasta is overdone, but you want to know); after that it is dropped unrung."""

DEFAULT_NAMES: tuple[str, ...] = (
    "pasta", "rice", "egg", "eggs", "tea", "coffee", "pizza", "bread", "cake", "cookie",
    "cookies", "oven", "potato", "potatoes", "chicken", "soup", "laundry", "nap", "break",
    "homework", "workout", "meditation",
)  # fmt: skip
"""Names a timer can be given out of the box ("set a pasta timer"). Names are a closed list so
that the speech recogniser's grammar can hear them; `names` adds more."""


@dataclass(frozen=True)
class TimerSettings:
    grace_s: float = DEFAULT_GRACE_S
    names: tuple[str, ...] = ()
    """Timer names to add to DEFAULT_NAMES."""

    @property
    def all_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*DEFAULT_NAMES, *self.names)))

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> TimerSettings:
        """Raises ValueError naming the setting that is wrong."""
        unknown = sorted(set(settings) - {"grace_s", "names"})
        if unknown:
            raise ValueError(
                f"Unknown timer setting(s) {', '.join(unknown)}; known: grace_s, names"
            )
        grace = settings.get("grace_s", DEFAULT_GRACE_S)
        if isinstance(grace, bool) or not isinstance(grace, int | float) or grace < 0:
            raise ValueError(f"timer grace_s must be a number of seconds >= 0, got {grace!r}")
        names = settings.get("names", [])
        if not isinstance(names, list | tuple) or not all(
            isinstance(name, str) and name.strip() for name in names
        ):
            raise ValueError(f"timer names must be a list of words, got {names!r}")
        return cls(grace_s=float(grace), names=tuple(name.strip().lower() for name in names))
