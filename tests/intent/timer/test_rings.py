"""Timers that ring aloud, with a clock the test moves: a finished timer is said with the chime
every ring interval until the wake word is spoken over a ring, "stop" is said, or the ring limit
passes; a ring goes on after a restart without sending `finished` again."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from hearth_intent.plugins.timer import TimerPlugin
from hearth_intent.plugins.timer.book import TimerBook
from hearth_intent.plugins.timer.commands import TimerCommands
from hearth_intent.plugins.timer.ringer import Ringer
from hearth_intent.plugins.timer.rings import Ring, Rings
from hearth_intent.plugins.timer.speech import ringing
from tests.intent.timer.support import FakeClock, RecordingHost, say, understand
from tests.intent.timer.test_plugin import run, stored

LOG = logging.getLogger("tests.timer.rings")
SENTENCES = TimerPlugin()
"""Only its sentences are used: what the commands are matched with."""


class Kitchen:
    """A book, its rings, the commands and the ringer, recording what is published and said."""

    def __init__(self, interval_s: float = 10, limit_s: float = 60) -> None:
        self.clock = FakeClock()
        self.book = TimerBook(self.clock, grace_s=600)
        self.rings = Rings(self.clock, interval_s=interval_s, limit_s=limit_s)
        self.commands = TimerCommands(self.book, self.rings, self.nothing)
        self.finished: list[str] = []
        self.said: list[tuple[str, str]] = []
        self.ringer = Ringer(self.book, self.rings, self.publish, self.say, self.nothing, LOG)

    async def publish(self, site: str, name: str, data: object) -> None:
        self.finished.append(site)

    async def say(self, ring: Ring) -> str:
        self.said.append((ring.site, ringing(ring.timer)))
        return f"say-{len(self.said)}"

    async def nothing(self) -> None:
        pass

    def after(self, seconds: float) -> None:
        """Move the clock and let the ringer look."""
        self.clock.advance(seconds)
        asyncio.run(self.ringer.ring_due())

    def command(self, text: str, site: str = "kitchen") -> str:
        context = understand(SENTENCES, text, site)
        return asyncio.run(self.commands.handlers()[context.intent](context)).speech


def test_a_finished_timer_rings_every_interval_until_its_limit() -> None:
    kitchen = Kitchen()
    kitchen.book.add("kitchen", 300, "pasta")
    kitchen.book.add("office", 600)
    kitchen.after(300)
    assert kitchen.finished == ["kitchen"]
    assert kitchen.said == [("kitchen", "The pasta timer is done.")]
    kitchen.after(5)
    assert len(kitchen.said) == 1, "not before the interval"
    for _ in range(5):
        kitchen.after(10)
    assert len(kitchen.said) == 6
    kitchen.after(10)  # 60 s after it finished: the limit
    assert len(kitchen.said) == 6 and kitchen.rings.all() == []
    kitchen.after(300)
    assert kitchen.said[-1] == ("office", "Your 10 minute timer is done.")
    assert kitchen.finished == ["kitchen", "office"], "the event is sent once per timer"


def test_the_wake_word_over_a_ring_stops_it_and_then_stop_says_so() -> None:
    kitchen = Kitchen()
    kitchen.book.add("kitchen", 60, "egg")
    kitchen.after(60)
    kitchen.after(10)
    assert len(kitchen.said) == 2
    assert kitchen.rings.heard("someone-else's-say") is None
    heard = kitchen.rings.heard("say-1")  # an earlier ring of it counts too
    assert heard is not None and heard.timer.name == "egg"
    kitchen.after(30)
    assert len(kitchen.said) == 2, "acknowledged: no more rings"
    # The command spoken after the wake word: it is about the ring that just stopped.
    assert kitchen.command("stop") == "Egg timer stopped."
    assert kitchen.command("stop the timer") == "Egg timer stopped."
    kitchen.clock.advance(60)
    assert kitchen.command("stop") == "No timer is ringing."


def test_stop_stops_only_what_rings_at_that_site() -> None:
    kitchen = Kitchen()
    kitchen.book.add("kitchen", 60, "egg")
    kitchen.book.add("kitchen", 600, "pasta")
    kitchen.book.add("office", 60, "tea")
    kitchen.after(60)
    assert kitchen.command("stop the timer") == "Egg timer stopped."
    assert [t.name for t in kitchen.book.timers("kitchen")] == ["pasta"], "the running one stays"
    kitchen.after(10)
    assert kitchen.said[-1] == ("office", "The tea timer is done.")
    assert kitchen.command("stop", site="office") == "Tea timer stopped."
    kitchen.after(60)
    assert [site for site, _ in kitchen.said].count("kitchen") == 1


def test_cancel_all_stops_the_rings_too() -> None:
    kitchen = Kitchen()
    kitchen.book.add("kitchen", 60, "egg")
    kitchen.book.add("kitchen", 600)
    kitchen.after(60)
    assert kitchen.command("cancel all timers") == "Cancelled 1 timer."
    assert kitchen.rings.all() == [] and kitchen.book.all() == []
    kitchen.book.add("kitchen", 60, "rice")
    kitchen.after(60)
    assert kitchen.command("cancel all timers") == "Rice timer stopped."


def test_a_limit_of_zero_rings_once() -> None:
    kitchen = Kitchen(limit_s=0)
    kitchen.book.add("kitchen", 60)
    kitchen.after(60)
    kitchen.after(10)
    assert kitchen.said == [("kitchen", "Your 1 minute timer is done.")]


def test_a_say_that_fails_is_tried_again() -> None:
    kitchen = Kitchen()
    failures = [ConnectionError("broker away")]

    async def flaky(ring: Ring) -> str:
        if failures:
            raise failures.pop()
        return await Kitchen.say(kitchen, ring)

    kitchen.ringer.say = flaky  # type: ignore[method-assign]
    kitchen.book.add("kitchen", 60)
    kitchen.after(60)
    assert kitchen.said == [] and kitchen.finished == ["kitchen"]
    kitchen.after(2)  # the retry delay
    assert len(kitchen.said) == 1


def test_a_ring_goes_on_after_a_restart_until_its_limit(tmp_path: Path) -> None:
    clock = FakeClock()

    async def set_it(plugin: TimerPlugin, host: RecordingHost) -> None:
        await say(plugin, "set a pasta timer for one minute")

    run(tmp_path, set_it, clock, ring_interval_s=10, ring_limit_s=60)
    clock.advance(61)

    async def rings(plugin: TimerPlugin, host: RecordingHost) -> None:
        await host.wait_said(1)
        assert [name for _, name, _ in host.published] == ["finished"]

    first = run(tmp_path, rings, clock, ring_interval_s=10, ring_limit_s=60)
    assert [(s, t, c) for _, s, t, c, _ in first.said] == [
        ("kitchen", "The pasta timer is done.", True)
    ]
    assert [entry["name"] for entry in stored(tmp_path)] == ["pasta"]
    clock.advance(20)  # the service restarts within the ring's limit

    async def rings_again(plugin: TimerPlugin, host: RecordingHost) -> None:
        await host.wait_said(1)
        assert host.published == [], "finished is not sent again"
        assert (await say(plugin, "stop")).speech == "Pasta timer stopped."

    again = run(tmp_path, rings_again, clock, ring_interval_s=10, ring_limit_s=60)
    assert again.said[0][2] == "The pasta timer is done."
    assert stored(tmp_path) == []


def test_a_ring_past_its_limit_is_not_restored(tmp_path: Path) -> None:
    clock = FakeClock()

    async def set_and_ring(plugin: TimerPlugin, host: RecordingHost) -> None:
        await say(plugin, "set a timer for one minute")
        clock.advance(60)
        await say(plugin, "set a tea timer for one hour")  # wakes the ringer
        await host.wait_said(1)

    run(tmp_path, set_and_ring, clock)
    clock.advance(61)

    async def silent(plugin: TimerPlugin, host: RecordingHost) -> None:
        await asyncio.sleep(0.2)

    later = run(tmp_path, silent, clock)
    assert later.said == [] and [e["name"] for e in stored(tmp_path)] == ["tea"]


@pytest.mark.parametrize("settings", [{"ring_interval_s": 1}, {"ring_limit_s": -1}])
def test_bad_ring_settings_fail_the_start(tmp_path: Path, settings: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="ring"):
        asyncio.run(TimerPlugin().hearth_start(RecordingHost(tmp_path, settings=settings)))
