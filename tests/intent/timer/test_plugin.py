"""The timer plugin through its hooks, against a small real PluginHost (a temp dir, a list of
published events): what it answers, when it rings, and what survives a restart."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import stat
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from hearth.plugins import Slot, SpeechFinished
from hearth_intent.plugins.timer import TimerPlugin
from hearth_intent.plugins.timer.settings import DEFAULT_GRACE_S
from tests.intent.timer.support import FakeClock, RecordingHost, say, understand

Scenario = Callable[[TimerPlugin, RecordingHost], Awaitable[None]]


def run(
    tmp_path: Path, scenario: Scenario, clock: Callable[[], float] = time.time, **settings: Any
) -> RecordingHost:
    """Start a plugin on a host in tmp_path, play the scenario, stop it as the service would."""
    host = RecordingHost(tmp_path, settings=settings)

    async def play() -> None:
        plugin = TimerPlugin(clock)
        await plugin.hearth_start(host)
        try:
            await scenario(plugin, host)
        finally:
            await plugin.hearth_stop()
            await host.close()

    asyncio.run(play())
    return host


def stored(tmp_path: Path) -> list[dict[str, Any]]:
    path = tmp_path / "plugins" / "timer" / "timers.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return list(json.loads(path.read_text())["entries"])


async def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for what the ringer does after publishing (it stores the book off the event loop)."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def test_a_conversation_about_timers(tmp_path: Path) -> None:
    clock = FakeClock()

    async def scenario(plugin: TimerPlugin, host: RecordingHost) -> None:
        started = await say(plugin, "set a timer for five minutes")
        assert started.speech == "Timer set for 5 minutes."
        assert started.data["timer"]["duration_s"] == 300
        pasta = await say(plugin, "set a pasta timer for ten minutes")
        assert pasta.speech == "Pasta timer set for 10 minutes."
        clock.advance(50)
        assert (await say(plugin, "how much time is left on the pasta timer")).speech == (
            "The pasta timer has 9 minutes and 10 seconds left."
        )
        everything = await say(plugin, "how much time is left")
        assert everything.speech == (
            "You have 2 timers: the 5 minute timer has 4 minutes and 10 seconds left and "
            "the pasta timer has 9 minutes and 10 seconds left."
        )
        assert [t["name"] for t in everything.data["timers"]] == ["", "pasta"]
        which = await say(plugin, "cancel the timer")
        assert which.speech == (
            "You have 2 timers: the 5 minute timer and the pasta timer. Which one?"
        )
        assert which.continue_conversation
        assert (await say(plugin, "cancel the pasta timer")).speech == "Pasta timer cancelled."
        assert (await say(plugin, "cancel the timer")).speech == "Timer cancelled."
        assert (await say(plugin, "cancel the timer")).speech == "There is no timer to cancel."
        assert (await say(plugin, "cancel the egg timer")).speech == "There is no egg timer."
        assert (await say(plugin, "how much time is left")).speech == "You have no timers."
        assert host.published == []

    run(tmp_path, scenario, clock)


def test_pause_resume_and_add_time(tmp_path: Path) -> None:
    clock = FakeClock()

    async def scenario(plugin: TimerPlugin, host: RecordingHost) -> None:
        await say(plugin, "start a 2 minute timer")
        clock.advance(30)
        assert (await say(plugin, "pause the timer")).speech == (
            "Timer paused with 1 minute and 30 seconds left."
        )
        assert (await say(plugin, "pause the timer")).speech == "There is no running timer."
        clock.advance(600)
        assert (await say(plugin, "add two minutes to the timer")).speech == (
            "Added 2 minutes. The timer is paused with 3 minutes and 30 seconds left."
        )
        assert (await say(plugin, "resume the pasta timer")).speech == "There is no pasta timer."
        assert (await say(plugin, "resume the timer")).speech == (
            "Timer resumed with 3 minutes and 30 seconds left."
        )
        assert (await say(plugin, "resume the timer")).speech == "There is no paused timer."
        assert (await say(plugin, "take 30 seconds off the 2 minute timer")).speech == (
            "Took off 30 seconds. The timer has 3 minutes left."
        )

    run(tmp_path, scenario, clock)


def test_timers_belong_to_the_site_that_set_them(tmp_path: Path) -> None:
    async def scenario(plugin: TimerPlugin, host: RecordingHost) -> None:
        await say(plugin, "set a timer for five minutes", site="kitchen")
        await say(plugin, "set a timer for ten minutes", site="kitchen")
        assert (await say(plugin, "how much time is left", site="office")).speech == (
            "You have no timers."
        )
        assert (await say(plugin, "cancel all timers", site="office")).speech == (
            "There are no timers to cancel."
        )
        assert (await say(plugin, "cancel all timers", site="kitchen")).speech == (
            "Cancelled 2 timers."
        )

    run(tmp_path, scenario, FakeClock())


def test_every_stored_timer_expires_a_grace_after_it_is_due(tmp_path: Path) -> None:
    clock = FakeClock()

    async def scenario(plugin: TimerPlugin, host: RecordingHost) -> None:
        await say(plugin, "set a pasta timer for ten minutes")
        [entry] = stored(tmp_path)
        assert entry["name"] == "pasta"
        assert entry["expires_at"] == clock() + 600 + DEFAULT_GRACE_S
        await say(plugin, "cancel the pasta timer")
        assert stored(tmp_path) == [], "nothing kept after a cancel"

    run(tmp_path, scenario, clock)


def test_a_timer_rings_at_its_site_when_due(tmp_path: Path) -> None:
    """The real clock and the real background task: a one-second timer."""

    async def scenario(plugin: TimerPlugin, host: RecordingHost) -> None:
        set_at = time.monotonic()
        started = await say(plugin, "set an egg timer for one second", site="office")
        await host.wait_published(1)
        assert time.monotonic() - set_at >= 1.0, "not before its time"
        [(site, name, data)] = host.published
        assert (site, name) == ("office", "finished")
        assert data["timer_id"] == started.data["timer"]["timer_id"]
        assert data["name"] == "egg" and data["duration_s"] == 1 and data["late"] is False
        await host.wait_said(1)
        [(say_id, site, text, chime, purpose)] = host.said
        assert (site, text, chime, purpose) == ("office", "The egg timer is done.", True, "timer")
        # Only the ring is kept, until it is acknowledged.
        await eventually(lambda: [e["name"] for e in stored(tmp_path)] == ["egg"])
        await plugin.hearth_speech_finished(
            SpeechFinished(say_id, "office", "interrupted", 0.4, "timer")
        )
        await eventually(lambda: stored(tmp_path) == [])
        await asyncio.sleep(0.3)
        assert len(host.published) == 1 and len(host.said) == 1, "the event is sent once"

    run(tmp_path, scenario)


def test_timers_survive_a_restart_and_a_missed_one_rings_late(tmp_path: Path) -> None:
    clock = FakeClock()

    async def before(plugin: TimerPlugin, host: RecordingHost) -> None:
        await say(plugin, "set a pasta timer for five minutes", site="kitchen")
        await say(plugin, "set a timer for ten minutes", site="office")
        await say(plugin, "set an egg timer for two minutes", site="office")
        await say(plugin, "pause the egg timer", site="office")

    run(tmp_path, before, clock)
    clock.advance(6 * 60)  # down for six minutes: the pasta was due a minute ago

    async def after(plugin: TimerPlugin, host: RecordingHost) -> None:
        await host.wait_published(1)
        [(site, name, data)] = host.published
        assert (site, name, data["name"], data["late"]) == ("kitchen", "finished", "pasta", True)
        assert (await say(plugin, "how much time is left", site="office")).speech == (
            "You have 2 timers: the 10 minute timer has 4 minutes left and "
            "the egg timer is paused with 2 minutes left."
        )
        assert (await say(plugin, "how much time is left", site="kitchen")).speech == (
            "You have no timers."
        )

    run(tmp_path, after, clock)


def test_a_timer_missed_by_more_than_the_grace_is_dropped_unrung(tmp_path: Path) -> None:
    clock = FakeClock()

    async def before(plugin: TimerPlugin, host: RecordingHost) -> None:
        await say(plugin, "set a timer for five minutes")

    run(tmp_path, before, clock, grace_s=60)
    clock.advance(5 * 60 + 61)

    async def after(plugin: TimerPlugin, host: RecordingHost) -> None:
        await asyncio.sleep(0.2)
        assert (await say(plugin, "how much time is left")).speech == "You have no timers."

    host = run(tmp_path, after, clock, grace_s=60)
    assert host.published == []
    assert stored(tmp_path) == []


def test_configured_names_refresh_the_sentences(tmp_path: Path) -> None:
    async def scenario(plugin: TimerPlugin, host: RecordingHost) -> None:
        assert host.refreshes == 1
        assert (await say(plugin, "set a roast timer for an hour")).speech == (
            "Roast timer set for 1 hour."
        )

    run(tmp_path, scenario, FakeClock(), names=["roast"])


def test_without_configured_names_nothing_is_refreshed(tmp_path: Path) -> None:
    async def scenario(plugin: TimerPlugin, host: RecordingHost) -> None:
        assert host.refreshes == 0

    run(tmp_path, scenario, FakeClock())


@pytest.mark.parametrize(
    "settings",
    [{"grace_s": -1}, {"grace_s": "ten"}, {"names": "pasta"}, {"names": [""]}, {"colour": 1}],
)
def test_bad_settings_fail_the_start_clearly(tmp_path: Path, settings: dict[str, Any]) -> None:
    host = RecordingHost(tmp_path, settings=settings)
    with pytest.raises(ValueError, match="timer"):
        asyncio.run(TimerPlugin().hearth_start(host))


def test_answers_at_the_edges(tmp_path: Path) -> None:
    clock = FakeClock()

    async def scenario(plugin: TimerPlugin, host: RecordingHost) -> None:
        await say(plugin, "set a pasta timer for five minutes")
        await say(plugin, "pause the pasta timer")
        assert (await say(plugin, "pause the pasta timer")).speech == (
            "The pasta timer is not running."
        )
        await say(plugin, "resume the pasta timer")
        assert (await say(plugin, "resume the pasta timer")).speech == (
            "The pasta timer is not paused."
        )
        assert (await say(plugin, "take ten minutes off the pasta timer")).speech == (
            "Took off 10 minutes. The pasta timer is done."
        )
        await host.wait_published(1)  # shortened past its end: it rings at once
        for _ in range(20):
            await say(plugin, "set a timer for one hour")
        assert (await say(plugin, "set a timer for two hours")).speech == (
            "You already have 20 timers. Cancel one first."
        )

    run(tmp_path, scenario, clock)


def test_slot_values_given_as_text_mean_the_same(tmp_path: Path) -> None:
    """A host may hand slot values as the words' text form ("5"), as intent events carry them."""

    async def scenario(plugin: TimerPlugin, host: RecordingHost) -> None:
        context = understand(plugin, "set a timer for 1 hour and 10 minutes")
        as_text = {
            name: Slot(name=name, value=str(slot.value), text=slot.text)
            for name, slot in context.slots.items()
        }
        response = await plugin.hearth_handlers()[context.intent](
            dataclasses.replace(context, slots=as_text)
        )
        assert response.speech == "Timer set for 1 hour and 10 minutes."

    run(tmp_path, scenario, FakeClock())


def test_a_delayed_command_is_declined(tmp_path: Path) -> None:
    """Home Assistant's "turn off the lights in 5 minutes" (HassStartTimer with a
    conversation_command) is not something a timer here can do yet: it says so."""

    async def scenario(plugin: TimerPlugin, host: RecordingHost) -> None:
        context = understand(plugin, "set a timer for five minutes")
        command = Slot(name="conversation_command", value="turn off the lights", text="...")
        response = await plugin.hearth_handlers()["HassStartTimer"](
            dataclasses.replace(context, slots={**context.slots, "conversation_command": command})
        )
        assert response.speech == "Sorry, I can't run a command when a timer ends yet."
        assert (await say(plugin, "how much time is left")).speech == "You have no timers."

    run(tmp_path, scenario, FakeClock())
