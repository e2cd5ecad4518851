"""Timers that are ringing: a finished timer is said aloud at its site (with the chime) every
`interval_s` until someone acknowledges it or `limit_s` has passed.

Acknowledged means heard: the wake word spoken over one of its rings (the audio service reports
that say request as interrupted), or "stop" / "stop the timer" said at the site. A ring is plain
data with a clock passed in, like the book, and is stored with the timers, so a ring in progress
goes on after the intent service restarts (until its limit; the `finished` event is not sent
again).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hearth_intent.plugins.timer.book import Clock, Timer, TimerQuery

RINGING_SINCE = "ringing_since"
"""The stored field that marks a timer record as a ring."""
RECENTLY_S = 30.0
"""A "stop" this soon after a ring was acknowledged some other way (the wake word over it) is
about that ring: the answer is that it stopped, not that there is nothing to stop."""


@dataclass
class Ring:
    """One finished timer, ringing at its site."""

    timer: Timer
    started_at: float
    ends_at: float
    """It stops ringing, unacknowledged, at this time."""
    next_say_at: float
    say_ids: set[str] = field(default_factory=set)
    """Its say requests so far (not stored: after a restart only new ones are recognised)."""

    @property
    def site(self) -> str:
        return self.timer.site

    def to_record(self) -> dict[str, Any]:
        return {**self.timer.to_record(), RINGING_SINCE: self.started_at, "ends_at": self.ends_at}

    @classmethod
    def from_record(cls, record: Mapping[str, Any], now: float) -> Ring:
        """A stored ring rings again at once. Raises KeyError, TypeError or ValueError on a
        record this version did not write."""
        return cls(
            timer=Timer.from_record(record),
            started_at=float(record[RINGING_SINCE]),
            ends_at=float(record["ends_at"]),
            next_say_at=now,
        )


class Rings:
    """Every site's ringing timers."""

    def __init__(self, clock: Clock, *, interval_s: float, limit_s: float) -> None:
        self.clock = clock
        self.interval_s = interval_s
        self.limit_s = limit_s
        self._rings: dict[str, Ring] = {}
        self._stopped: dict[str, tuple[Timer, float]] = {}
        """Site → the timer whose ring was last acknowledged there, and when."""

    def start(self, timer: Timer) -> Ring:
        now = self.clock()
        ring = Ring(timer, started_at=now, ends_at=now + self.limit_s, next_say_at=now)
        self._rings[timer.timer_id] = ring
        return ring

    def to_say(self) -> list[Ring]:
        """Rings whose next say is due, oldest first: the first at once (even with a limit of 0),
        the others only before the ring's end."""
        now = self.clock()
        due = [
            ring
            for ring in self._rings.values()
            if ring.next_say_at <= now and (now < ring.ends_at or not ring.say_ids)
        ]
        return sorted(due, key=lambda ring: ring.started_at)

    def said(self, ring: Ring, say_id: str) -> None:
        ring.say_ids.add(say_id)
        ring.next_say_at = self.clock() + self.interval_s

    def retry(self, ring: Ring, after_s: float) -> None:
        """Its say could not be sent: try again this soon."""
        ring.next_say_at = self.clock() + after_s

    def heard(self, say_id: str) -> Ring | None:
        """The ring this say request belonged to, now acknowledged; None when it is none of
        ours (or its ring is over)."""
        for ring in list(self._rings.values()):
            if say_id in ring.say_ids:
                return self._acknowledge(ring)
        return None

    def stop(self, site: str, query: TimerQuery) -> list[Ring]:
        """Acknowledge the rings at `site` the sentence means (every one, when it names none)."""
        found = [ring for ring in self.ringing(site) if query.matches(ring.timer)]
        return [self._acknowledge(ring) for ring in found]

    def ringing(self, site: str) -> list[Ring]:
        return [ring for ring in self._rings.values() if ring.site == site]

    def recently_stopped(self, site: str, query: TimerQuery) -> Timer | None:
        """The timer whose ring was acknowledged at `site` in the last RECENTLY_S seconds, if
        the sentence can mean it."""
        stopped = self._stopped.get(site)
        if stopped is None or self.clock() - stopped[1] > RECENTLY_S:
            return None
        return stopped[0] if query.matches(stopped[0]) else None

    def expire(self) -> list[Ring]:
        """Drop and return the rings past their limit, unacknowledged."""
        now = self.clock()
        over = [ring for ring in self._rings.values() if ring.ends_at <= now]
        for ring in over:
            del self._rings[ring.timer.timer_id]
        return over

    def next_change_at(self) -> float | None:
        """When a ring next needs attention: its next say or its end."""
        moments = [min(ring.next_say_at, ring.ends_at) for ring in self._rings.values()]
        return min(moments, default=None)

    def load(self, rings: Iterable[Ring], *, replace: bool = False) -> None:
        """Add rings (with `replace`, instead of everything held, acknowledged ones too)."""
        if replace:
            self._rings.clear()
            self._stopped.clear()
        for ring in rings:
            self._rings[ring.timer.timer_id] = ring

    def all(self) -> list[Ring]:
        return list(self._rings.values())

    def _acknowledge(self, ring: Ring) -> Ring:
        del self._rings[ring.timer.timer_id]
        self._stopped[ring.site] = (ring.timer, self.clock())
        return ring
