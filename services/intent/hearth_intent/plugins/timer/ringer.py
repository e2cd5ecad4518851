"""Rings timers when they are due: a background task that sleeps until the book's next due time
or a ring's next say (or until a command changes the book), publishes `finished` at the timer's
site and then says it there aloud, with the chime, until it is acknowledged or its ring limit has
passed (rings.py).

A timer that was due while the intent service was down rings once when it is back, with
`late: true`, as long as it is within the grace; past the grace it is dropped unrung (the store
keeps nothing after a timer's expiry). A publish that fails is retried until the same grace runs
out; a say that fails is tried again as soon, within the ring's limit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from hearth_intent.plugins.timer.book import TimerBook
from hearth_intent.plugins.timer.rings import Ring, Rings
from hearth_intent.plugins.timer.speech import finished_event

Publish = Callable[[str, str, Mapping[str, Any]], Awaitable[None]]
Save = Callable[[], Awaitable[None]]
Say = Callable[[Ring], Awaitable[str]]
"""Says a ring aloud at its site (with the chime); returns the say request's id."""

MAX_SLEEP_S = 60.0
"""Look again at least this often, so a wall-clock change cannot delay a timer for long."""
RETRY_S = 2.0
"""After a failed publish, try again this soon."""


class Ringer:
    def __init__(
        self,
        book: TimerBook,
        rings: Rings,
        publish: Publish,
        say: Say,
        save: Save,
        log: logging.Logger,
        *,
        retry_s: float = RETRY_S,
    ) -> None:
        self.book = book
        self.rings = rings
        self.publish = publish
        self.say = say
        self.save = save
        self.log = log
        self.retry_s = retry_s
        self.started_at = book.clock()
        """A timer due before this was missed while the service was down: it rings late."""
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        """The book changed: look at it again now."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            all_rung = await self.ring_due()
            delay = self._delay() if all_rung else self.retry_s
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass

    async def ring_due(self) -> bool:
        """Publish `finished` for every due timer and start its ring; say the rings due; drop
        expired timers and rings. False when a publish failed (that timer stays, to be tried
        again)."""
        all_rung = True
        changed = False
        for timer in self.book.due():
            late = timer.due_at is not None and timer.due_at < self.started_at
            event = finished_event(timer, late=late, now=self.book.clock())
            try:
                await self.publish(timer.site, "finished", event)
            except Exception:
                self.log.warning(
                    "Could not publish timer %s finished at site %s; trying again",
                    timer.timer_id,
                    timer.site,
                    exc_info=True,
                )
                all_rung = False
                continue
            lateness = " (late: it was due while the service was down)" if late else ""
            self.log.info("Timer %s rang at site %s%s", timer.timer_id, timer.site, lateness)
            self.book.remove(timer.timer_id)
            self.rings.start(timer)
            changed = True
        for ring in self.rings.to_say():
            await self._say(ring)
        for ring in self.rings.expire():
            self.log.info(
                "Timer %s stopped ringing at site %s: nobody acknowledged it",
                ring.timer.timer_id,
                ring.site,
            )
            changed = True
        for timer in self.book.expire():
            self.log.info("Timer %s at site %s expired unrung", timer.timer_id, timer.site)
            changed = True
        if changed:
            await self.save()
        return all_rung

    async def _say(self, ring: Ring) -> None:
        try:
            say_id = await self.say(ring)
        except Exception:
            self.log.warning(
                "Could not say timer %s at site %s; trying again",
                ring.timer.timer_id,
                ring.site,
                exc_info=True,
            )
            self.rings.retry(ring, self.retry_s)
            return
        self.rings.said(ring, say_id)

    def _delay(self) -> float:
        moments = [
            moment
            for moment in (self.book.next_change_at(), self.rings.next_change_at())
            if moment is not None
        ]
        if not moments:
            return MAX_SLEEP_S
        return min(MAX_SLEEP_S, max(0.0, min(moments) - self.book.clock()))
