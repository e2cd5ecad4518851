"""The ringer on its own: what it publishes, and a publish that fails."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

from hearth_intent.plugins.timer.book import TimerBook
from hearth_intent.plugins.timer.ringer import Ringer
from hearth_intent.plugins.timer.rings import Ring, Rings
from tests.intent.timer.support import FakeClock

LOG = logging.getLogger("tests.timer.ringer")


class FlakyBus:
    """Fails the first `failures` publishes, then records."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.published: list[tuple[str, str, dict[str, Any]]] = []

    async def publish(self, site: str, name: str, data: Mapping[str, Any]) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker away")
        self.published.append((site, name, dict(data)))


class Voice:
    """Records the rings said aloud; fails the first `failures`."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.said: list[tuple[str, str]] = []

    async def __call__(self, ring: Ring) -> str:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker away")
        self.said.append((ring.site, ring.timer.timer_id))
        return f"say-{len(self.said)}"


class SaveCounter:
    def __init__(self) -> None:
        self.saves = 0

    async def __call__(self) -> None:
        self.saves += 1


def fake_clock_ringer(failures: int) -> tuple[FakeClock, TimerBook, FlakyBus, SaveCounter, Ringer]:
    clock = FakeClock()
    book = TimerBook(clock, grace_s=600)
    bus, save = FlakyBus(failures), SaveCounter()
    rings = Rings(clock, interval_s=10, limit_s=60)
    return clock, book, bus, save, Ringer(book, rings, bus.publish, Voice(), save, LOG)


def test_only_due_timers_ring_each_once() -> None:
    clock, book, bus, save, ringer = fake_clock_ringer(failures=0)
    soon = book.add("kitchen", 60, "tea")
    book.add("kitchen", 120)
    assert asyncio.run(ringer.ring_due()) and bus.published == [] and save.saves == 0
    clock.advance(60)
    assert asyncio.run(ringer.ring_due())
    assert [(s, n, d["timer_id"], d["late"]) for s, n, d in bus.published] == [
        ("kitchen", "finished", soon.timer_id, False)
    ]
    assert save.saves == 1 and len(book.all()) == 1
    asyncio.run(ringer.ring_due())
    assert len(bus.published) == 1


def test_a_failed_publish_is_tried_again_within_the_grace() -> None:
    clock, book, bus, save, ringer = fake_clock_ringer(failures=1)
    book.add("kitchen", 60)
    clock.advance(60)
    assert asyncio.run(ringer.ring_due()) is False
    assert bus.published == [] and len(book.all()) == 1, "kept, to try again"
    assert asyncio.run(ringer.ring_due()) is True
    assert len(bus.published) == 1 and book.all() == []


def test_a_timer_never_rung_is_dropped_after_the_grace() -> None:
    clock, book, bus, save, ringer = fake_clock_ringer(failures=100)
    book.add("kitchen", 60)
    clock.advance(60 + 600)
    asyncio.run(ringer.ring_due())
    assert book.all() == [] and save.saves == 1


def test_the_run_loop_retries_soon_after_a_failed_publish() -> None:
    """With the real clock: a one-second timer whose first publish fails still rings."""
    book = TimerBook(time.time, grace_s=600)
    bus, save = FlakyBus(1), SaveCounter()

    async def play() -> None:
        rings = Rings(time.time, interval_s=10, limit_s=60)
        ringer = Ringer(book, rings, bus.publish, Voice(), save, LOG, retry_s=0.1)
        book.add("kitchen", 1)
        task = asyncio.create_task(ringer.run())
        async with asyncio.timeout(5):
            while not bus.published:
                await asyncio.sleep(0.02)
        ringer.stop()
        await task

    asyncio.run(play())
    assert len(bus.published) == 1
