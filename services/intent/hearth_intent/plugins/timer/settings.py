"""The timer plugin's settings (`intent.plugin_settings.timer`), read once at start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_GRACE_S = 600.0
"""How late a timer missed while the intent service was down may still ring: ten minutes (the
pasta is overdone, but you want to know); after that it is dropped unrung."""

DEFAULT_RING_INTERVAL_S = 10.0
"""A finished timer says so again this often until it is acknowledged."""
DEFAULT_RING_LIMIT_S = 60.0
"""...and stops ringing this long after it finished, acknowledged or not."""

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
    ring_interval_s: float = DEFAULT_RING_INTERVAL_S
    """Seconds between two rings of a finished timer (each a chime and its name), at least 2."""
    ring_limit_s: float = DEFAULT_RING_LIMIT_S
    """Seconds a finished timer rings unless acknowledged (the wake word over it, or "stop");
    0 rings it once."""

    @property
    def all_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*DEFAULT_NAMES, *self.names)))

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> TimerSettings:
        """Raises ValueError naming the setting that is wrong."""
        known = ("grace_s", "names", "ring_interval_s", "ring_limit_s")
        unknown = sorted(set(settings) - set(known))
        if unknown:
            raise ValueError(
                f"Unknown timer setting(s) {', '.join(unknown)}; known: {', '.join(known)}"
            )
        grace = _seconds(settings, "grace_s", DEFAULT_GRACE_S, least=0)
        interval = _seconds(settings, "ring_interval_s", DEFAULT_RING_INTERVAL_S, least=2)
        limit = _seconds(settings, "ring_limit_s", DEFAULT_RING_LIMIT_S, least=0)
        names = settings.get("names", [])
        if not isinstance(names, list | tuple) or not all(
            isinstance(name, str) and name.strip() for name in names
        ):
            raise ValueError(f"timer names must be a list of words, got {names!r}")
        return cls(
            grace_s=grace,
            names=tuple(name.strip().lower() for name in names),
            ring_interval_s=interval,
            ring_limit_s=limit,
        )


def _seconds(settings: Mapping[str, Any], name: str, default: float, least: float) -> float:
    value = settings.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < least:
        raise ValueError(f"timer {name} must be a number of seconds >= {least:g}, got {value!r}")
    return float(value)
