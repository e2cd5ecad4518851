"""Built-in answers for the intents Hearth can handle without any home automation: time and date.

The answers are spoken, so they are written for the ear. English is Hearth's own: the time in
words ("It is three oh five PM."), since synthesizers read "3:05" as "three zero five". Other
languages use the response templates home-assistant-intents ships, so Hearth says the time the
way native speakers wrote it. Those templates are Jinja, rendered in a sandbox because they are
data, not code we wrote. When a language has no template (or Jinja is not installed) the reply
falls back to the English one rather than failing the command.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from home_assistant_intents import get_intents

_LOGGER = logging.getLogger(__name__)

_TIME = "HassGetCurrentTime"
_DATE = "HassGetCurrentDate"

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


TIME_AND_DATE_INTENTS = (_TIME, _DATE)


def spoken_answer(intent: str, now: datetime, language: str) -> str | None:
    """The reply to a time or date intent (by name), or None for any other intent."""
    fallback = _FALLBACKS.get(intent)
    if fallback is None:
        return None
    if language.lower().split("-")[0].split("_")[0] == "en":
        return fallback(now)
    template = _response_template(language, intent)
    if template is not None:
        rendered = _render(template, now)
        if rendered:
            return rendered
    return fallback(now)


def _english_time(now: datetime) -> str:
    """ "It is three PM.", "It is three oh five PM.", "It is twelve forty-five AM.", "It is
    noon."."""
    hour = _NUMBERS[now.hour % 12 or 12]
    suffix = "AM" if now.hour < 12 else "PM"
    if now.minute == 0 and now.hour in (0, 12):
        return "It is midnight." if now.hour == 0 else "It is noon."
    if now.minute == 0:
        return f"It is {hour} {suffix}."
    minute = _NUMBERS[now.minute] if now.minute >= 10 else f"oh {_NUMBERS[now.minute]}"
    return f"It is {hour} {minute} {suffix}."


def _english_date(now: datetime) -> str:
    """ "Today is Wednesday, November 25th, 2026." (synthesizers read ordinals and years well)."""
    weekday = _WEEKDAYS[now.weekday()]
    return f"Today is {weekday}, {_MONTHS[now.month - 1]} {_ordinal(now.day)}, {now.year}."


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty"}
_NUMBERS = [
    _ONES[n] if n < 20 else _TENS[n - n % 10] + (f"-{_ONES[n % 10]}" if n % 10 else "")
    for n in range(60)
]
"""0 to 59 in English words: the hours and minutes of a spoken time."""


_FALLBACKS: dict[str, Callable[[datetime], str]] = {_TIME: _english_time, _DATE: _english_date}


@functools.lru_cache(maxsize=64)
def _response_template(language: str, intent: str) -> str | None:
    """The language's default response for the intent; None when absent or a translator TODO."""
    data = get_intents(language)
    if data is None:
        return None
    template = data.get("responses", {}).get("intents", {}).get(intent, {}).get("default")
    if not isinstance(template, str) or template.strip().upper().startswith("TODO"):
        return None
    return template


def _render(template: str, now: datetime) -> str | None:
    environment = _environment()
    if environment is None:
        return None
    try:
        text = environment.from_string(template).render(
            slots={"time": now.time(), "date": now.date()}
        )
    except Exception:  # a broken upstream template must not break the reply
        _LOGGER.warning("Response template failed to render; using the English reply")
        return None
    spoken = " ".join(text.split())
    if spoken.upper().startswith("TODO"):
        return None
    return spoken or None


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    try:
        from jinja2.sandbox import SandboxedEnvironment
    except ImportError:
        _LOGGER.warning("jinja2 is not installed; time and date replies will be in English")
        return None
    return SandboxedEnvironment(autoescape=False)
