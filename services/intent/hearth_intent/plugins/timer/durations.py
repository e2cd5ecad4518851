"""Durations: read from a recognised sentence's slots, and said back the way people say them.

The sentences (Home Assistant's shape) split a duration into `hours`, `minutes` and `seconds`
slots ("an hour and a half" is hours 1, minutes 30); a timer named by its length ("the five minute
timer") uses `start_hours`, `start_minutes` and `start_seconds`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

UNITS: tuple[tuple[str, int], ...] = (("hours", 3600), ("minutes", 60), ("seconds", 1))
HALF_WORDS = frozenset({"half", "1/2", "a half"})

SlotValue = Callable[[str], Any]
"""A slot's resolved value by name, None when the sentence has no such slot
(IntentContext.value)."""


def duration_from_slots(value: SlotValue, prefix: str = "") -> int | None:
    """Whole seconds said in the `hours`/`minutes`/`seconds` slots (with `prefix`, e.g. "start_"),
    or None when the sentence said no duration."""
    total = 0.0
    said = False
    for unit, seconds in UNITS:
        amount = slot_number(value(prefix + unit))
        if amount is not None:
            total += amount * seconds
            said = True
    return round(total) if said else None


def slot_number(raw: Any) -> float | None:
    """A slot value as a number: ints and floats as they are, digits or "half" from text."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw).strip().lower()
    if text in HALF_WORDS:
        return 30.0
    try:
        return float(text)
    except ValueError:
        return None


def spoken_duration(seconds: float) -> str:
    """ "5 minutes", "3 minutes and 10 seconds", "1 hour, 2 minutes and 5 seconds".

    Seconds are rounded up (a timer with 0.2 s left has "1 second" left); from an hour on,
    seconds are left out, as people do.
    """
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [_count(hours, "hour"), _count(minutes, "minute")]
    if hours == 0:
        parts.append(_count(secs, "second"))
    said = [part for part in parts if part]
    if not said:
        return "0 seconds"
    if len(said) == 1:
        return said[0]
    return ", ".join(said[:-1]) + " and " + said[-1]


def duration_adjective(seconds: float) -> str:
    """The duration in front of a noun: "5 minute", "1 hour 30 minute" (a 5 minute timer)."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second"))]
    said = [part for part, n in zip(parts, (hours, minutes, secs), strict=True) if n]
    return " ".join(said) or "0 second"


def _count(amount: int, unit: str) -> str:
    if amount == 0:
        return ""
    return f"{amount} {unit}" if amount == 1 else f"{amount} {unit}s"
