"""Timers through the real stack: a spoken "set a timer for three seconds" rings at the site
that heard it once its time is up, as hearth/v1/plugin/timer/<site>/finished and aloud (the chime
and the timer's name, said again every few seconds until the ring's limit), and a timer set just
before the intent service is killed still rings from the service that comes back.

Spoken as in test_english_commands.py: the wake word by espeak-ng, the command by Piper, Whisper
(the default engine) snapped to the vocabulary. Times are compared on the intent service's own
event headers, so the test machine's load only widens the slack, never the verdict.
"""

from __future__ import annotations

import os
import signal
import stat
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests import timeouts
from tests.support import (
    EventWatcher,
    Stack,
    events_of,
    stack_config,
    start_stack,
    transcribed,
)

pytestmark = pytest.mark.stack

RING_INTERVAL_S = 3.0
RING_LIMIT_S = 7.0
"""The ring is said at 0, 3 and 6 s, then no more (nobody acknowledges it in this test)."""
RING_SLACK_S = 3.0
"""How late after its due time a timer may ring on a busy two-core machine."""
TIMER_TOPICS = "hearth/v1/plugin/timer/#"


@pytest.fixture(scope="module")
def timer_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The default English stack (Whisper), timers enabled as they are by default."""
    tmp = tmp_path_factory.mktemp("stack-timers")
    stack = start_stack(
        tmp,
        stack_config(
            tmp,
            stt={"language": "en"},
            intent={
                "plugins": {"enabled": ["time", "privacy", "timer"]},
                "plugin_settings": {
                    "timer": {"ring_interval_s": RING_INTERVAL_S, "ring_limit_s": RING_LIMIT_S}
                },
            },
            audio={"site": "kitchen"},  # the kitchen speaks, to a WAV file
        ),
    )
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def say(woken_say: Callable[[str], Path]) -> Callable[[str], Path]:
    return woken_say


@pytest.fixture
def watcher(timer_stack: Stack) -> Iterator[EventWatcher]:
    watching = EventWatcher(timer_stack, TIMER_TOPICS)
    yield watching
    watching.close()


def _set_timer(stack: Stack, say: Callable[[str], Path], text: str, site: str) -> dict[str, Any]:
    """Speak a timer command at a site; its intent.recognized event."""
    result = stack.run_file(say(text), "--site", site, "--fast")
    assert result.returncode == 0, f"{text!r}: {result.stdout}\n{result.stderr}"
    recognized = next(e for e in events_of(result) if e["event"] == "intent.recognized")
    assert recognized["intent"] == "HassStartTimer", recognized
    return recognized


def _sent_at(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(event["header"]["sent_at"]).timestamp()


def _finished_at(watcher: EventWatcher, site: str) -> list[dict[str, Any]]:
    return [
        payload
        for topic, payload in watcher.events
        if topic == f"hearth/v1/plugin/timer/{site}/finished"
    ]


def test_a_spoken_timer_rings_at_its_site_after_its_time(
    timer_stack: Stack, say: Callable[[str], Path], watcher: EventWatcher, tmp_path: Path
) -> None:
    spoken = EventWatcher(timer_stack, "hearth/v1/tts/kitchen/#")
    recognized = _set_timer(
        timer_stack, say, "hey hestia, set a timer for three seconds", "kitchen"
    )
    assert recognized["slots"].get("seconds") == "3", recognized
    assert recognized["speech"] == "Timer set for 3 seconds.", recognized
    finished = watcher.wait_for(
        "/plugin/timer/kitchen/finished", timeout=3 + RING_SLACK_S + timeouts.EVENT_S
    )
    assert finished["plugin"] == "timer" and finished["name"] == "finished", finished
    assert finished["header"]["producer"] == "intent" and finished["header"]["site"] == "kitchen"
    data = finished["data"]
    assert data["duration_s"] == 3 and data["late"] is False and data["name"] == "", data
    rang_after = _sent_at(finished) - _sent_at(recognized)
    assert 3 - 0.5 <= rang_after <= 3 + RING_SLACK_S, f"rang {rang_after:.2f} s after it was set"
    time.sleep(1.0)
    assert len(_finished_at(watcher, "kitchen")) == 1, "it rings once"
    rung_elsewhere = [topic for topic, _ in watcher.events if "/kitchen/" not in topic]
    assert rung_elsewhere == [], "only the site that set it hears it"
    try:
        _rings_aloud(timer_stack, spoken, finished, tmp_path)
    finally:
        spoken.close()


def _rings_aloud(stack: Stack, spoken: EventWatcher, finished: dict[str, Any], tmp: Path) -> None:
    """The kitchen hears the chime and "Your 3 second timer is done.", again every
    RING_INTERVAL_S until RING_LIMIT_S, and nothing after."""
    ring = spoken.wait_for("/tts/kitchen/say", where=lambda e: e.get("purpose") == "timer")
    assert ring["chime"] is True and ring["text"] == "Your 3 second timer is done.", ring
    played = spoken.wait_for(
        "/tts/kitchen/finished",
        timeout=timeouts.EVENT_S * 2,
        where=lambda e: e["say_id"] == ring["say_id"],
    )
    assert played["outcome"] == "OUTCOME_PLAYED", played
    answer = Path(stack.config["data_dir"]) / "answers" / "kitchen.wav"
    heard = transcribed(answer, tmp)
    assert {"timer", "done"} <= set(heard.lower().replace(".", "").split()), heard
    time.sleep(RING_LIMIT_S + RING_INTERVAL_S + 1.0)
    rings = [
        event
        for topic, event in spoken.events
        if topic.endswith("/say") and event.get("purpose") == "timer"
    ]
    said_after = [_sent_at(event) - _sent_at(finished) for event in rings]
    assert 2 <= len(rings) <= 3, f"said at {said_after}: again every 3 s until 7 s"
    assert all(moment <= RING_LIMIT_S + RING_SLACK_S for moment in said_after), said_after


def test_a_timer_outlives_a_restart_of_the_intent_service(
    timer_stack: Stack, say: Callable[[str], Path], watcher: EventWatcher
) -> None:
    recognized = _set_timer(timer_stack, say, "hey hestia, set a timer for five seconds", "office")
    assert recognized["speech"] == "Timer set for 5 seconds.", recognized
    state = Path(timer_stack.config["data_dir"]) / "plugins" / "timer" / "timers.json"
    assert stat.S_IMODE(state.stat().st_mode) == 0o600, "stored before the answer, private"
    mark = timer_stack.mark()
    os.kill(timer_stack.service_pid("intent"), signal.SIGKILL)  # the old process cannot ring it
    timer_stack.wait_for_log(r"hearth: intent is back", after=mark, timeout=timeouts.STACK_START_S)
    finished = watcher.wait_for("/plugin/timer/office/finished", timeout=timeouts.STACK_START_S)
    data = finished["data"]
    assert data["duration_s"] == 5, data
    due_at = datetime.fromisoformat(data["due_at"]).timestamp()
    rang_at = _sent_at(finished)
    if data["late"]:
        assert rang_at >= due_at, "late means it was due while the service was down"
    else:
        assert abs(rang_at - due_at) <= RING_SLACK_S, "back in time: it rang when due"
    assert rang_at - _sent_at(recognized) >= 5 - 0.5, "never before its time"
    time.sleep(1.0)
    assert len(_finished_at(watcher, "office")) == 1, "it rings once, not once per process"
