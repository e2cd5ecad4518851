"""The timers of every site, as plain data with a clock passed in: no service, no event loop.

A running timer has a due time; a paused one keeps the time it had left. Every timer has an
expiry after which nothing of it is kept: a running one `grace_s` after it was due (time for a
timer missed while the service was down to still ring, late), a paused one
`paused_lifetime_s` after it was paused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

Clock = Callable[[], float]
"""Seconds since the epoch (time.time): wall-clock time, so due times survive a restart."""

DAY_S = 86_400
MAX_TIMERS_PER_SITE = 20
"""Several at once, but a runaway automation cannot fill the store."""
MAX_TIMER_S = 7 * DAY_S
"""No timer, however extended, runs longer than a week."""


class TooManyTimers(Exception):
    """The site already has MAX_TIMERS_PER_SITE timers."""


@dataclass(frozen=True)
class Timer:
    """One timer of one site."""

    timer_id: str
    site: str
    name: str
    """What the person called it ("pasta"); empty when unnamed."""
    duration_s: int
    """The length it was set for: what "the five minute timer" refers to."""
    started_at: float
    due_at: float | None
    """When it rings; None while paused."""
    paused_at: float | None = None
    paused_left_s: float | None = None
    """Seconds it had left when paused."""

    @property
    def running(self) -> bool:
        return self.due_at is not None

    def left_s(self, now: float) -> float:
        """Seconds until it rings (what it had left, while paused); never negative."""
        if self.due_at is not None:
            return max(0.0, self.due_at - now)
        return max(0.0, self.paused_left_s or 0.0)

    def expires_at(self, grace_s: float, paused_lifetime_s: float) -> float:
        if self.due_at is not None:
            return self.due_at + grace_s
        return (self.paused_at or self.started_at) + paused_lifetime_s

    def to_record(self) -> dict[str, Any]:
        return {
            "timer_id": self.timer_id,
            "site": self.site,
            "name": self.name,
            "duration_s": self.duration_s,
            "started_at": self.started_at,
            "due_at": self.due_at,
            "paused_at": self.paused_at,
            "paused_left_s": self.paused_left_s,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Timer:
        """Raises KeyError, TypeError or ValueError on a record this version did not write."""
        return cls(
            timer_id=str(record["timer_id"]),
            site=str(record["site"]),
            name=str(record["name"]),
            duration_s=int(record["duration_s"]),
            started_at=float(record["started_at"]),
            due_at=_optional_float(record["due_at"]),
            paused_at=_optional_float(record.get("paused_at")),
            paused_left_s=_optional_float(record.get("paused_left_s")),
        )


@dataclass(frozen=True)
class TimerQuery:
    """Which timer a sentence means: by name, by the length it was set for, or any."""

    name: str = ""
    duration_s: int | None = None

    @property
    def specific(self) -> bool:
        return bool(self.name) or self.duration_s is not None

    def matches(self, timer: Timer) -> bool:
        if self.name and timer.name.lower() != self.name.lower():
            return False
        return self.duration_s is None or timer.duration_s == self.duration_s


class TimerBook:
    """Every site's timers. Methods that change a timer return its new state."""

    def __init__(self, clock: Clock, *, grace_s: float, paused_lifetime_s: float = DAY_S) -> None:
        self.clock = clock
        self.grace_s = grace_s
        self.paused_lifetime_s = paused_lifetime_s
        self._timers: dict[str, Timer] = {}

    def add(self, site: str, seconds: int, name: str = "") -> Timer:
        if seconds < 1:
            raise ValueError(f"a timer needs at least one second, got {seconds}")
        if len(self.timers(site)) >= MAX_TIMERS_PER_SITE:
            raise TooManyTimers(site)
        now = self.clock()
        seconds = min(seconds, MAX_TIMER_S)
        timer = Timer(
            timer_id=uuid.uuid4().hex[:12],
            site=site,
            name=name,
            duration_s=seconds,
            started_at=now,
            due_at=now + seconds,
        )
        self._timers[timer.timer_id] = timer
        return timer

    def timers(self, site: str) -> list[Timer]:
        """The site's timers, the one that rings first first (paused ones by time left)."""
        now = self.clock()
        found = [timer for timer in self._timers.values() if timer.site == site]
        return sorted(found, key=lambda timer: (not timer.running, timer.left_s(now)))

    def find(self, site: str, query: TimerQuery) -> list[Timer]:
        return [timer for timer in self.timers(site) if query.matches(timer)]

    def cancel(self, timer_id: str) -> Timer:
        return self._timers.pop(timer_id)

    def cancel_all(self, site: str) -> list[Timer]:
        return [self._timers.pop(timer.timer_id) for timer in self.timers(site)]

    def pause(self, timer_id: str) -> Timer:
        timer = self._timers[timer_id]
        if not timer.running:
            return timer
        now = self.clock()
        paused = replace(timer, due_at=None, paused_at=now, paused_left_s=timer.left_s(now))
        self._timers[timer_id] = paused
        return paused

    def resume(self, timer_id: str) -> Timer:
        timer = self._timers[timer_id]
        if timer.running:
            return timer
        now = self.clock()
        resumed = replace(timer, due_at=now + timer.left_s(now), paused_at=None, paused_left_s=None)
        self._timers[timer_id] = resumed
        return resumed

    def extend(self, timer_id: str, seconds: int) -> Timer:
        """Add `seconds` to the time left (negative: take off; it never goes below zero, so a
        timer shortened past its end rings at once)."""
        timer = self._timers[timer_id]
        now = self.clock()
        left = min(max(0.0, timer.left_s(now) + seconds), MAX_TIMER_S)
        if timer.running:
            changed = replace(timer, due_at=now + left)
        else:
            changed = replace(timer, paused_left_s=left)
        self._timers[timer_id] = changed
        return changed

    def due(self) -> list[Timer]:
        """Running timers whose time has come, earliest first (they stay until removed)."""
        now = self.clock()
        ready = [t for t in self._timers.values() if t.due_at is not None and t.due_at <= now]
        return sorted(ready, key=lambda timer: timer.due_at or 0.0)

    def remove(self, timer_id: str) -> None:
        self._timers.pop(timer_id, None)

    def expire(self) -> list[Timer]:
        """Drop and return the timers past their expiry (paused too long, or never rung)."""
        now = self.clock()
        gone = [t for t in self._timers.values() if self.expires_at(t) <= now]
        for timer in gone:
            del self._timers[timer.timer_id]
        return gone

    def expires_at(self, timer: Timer) -> float:
        return timer.expires_at(self.grace_s, self.paused_lifetime_s)

    def next_change_at(self) -> float | None:
        """When the book next needs attention: the next due time or paused timer's expiry."""
        moments = [
            timer.due_at if timer.due_at is not None else self.expires_at(timer)
            for timer in self._timers.values()
        ]
        return min(moments, default=None)

    def load(self, timers: Iterable[Timer], *, replace: bool = False) -> None:
        """Add timers (with `replace`, instead of those held)."""
        if replace:
            self._timers.clear()
        for timer in timers:
            self._timers[timer.timer_id] = timer

    def all(self) -> list[Timer]:
        return list(self._timers.values())


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
