"""The audio service itself, capturing from its microphone command (the same path as `arecord`):
a command heard in the room comes out as an intent, and muting the site ends the microphone process.

The microphone command here is tests/tools/looping_mic.py, which streams a synthesized command
in real time, again and again, as a real microphone streams whatever the room says.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest

from tests import timeouts
from tests.support import (
    REPO,
    EventWatcher,
    Stack,
    process_gone,
    processes_matching,
    speak_16k,
    stack_config,
    start_stack,
)

pytestmark = pytest.mark.stack
MIC = REPO / "tests" / "tools" / "looping_mic.py"
LEASE_S = 3.0
"""policy.lease_s's default: how long capture may outlive a silent or absent policy."""
MUTE_CLOSES_WITHIN_S = 0.2
PROCESS_EXIT_S = 0.5
"""Margin for the microphone command to exit after the audio service stops it (terminate, then
kill)."""


@pytest.fixture(scope="module")
def mic_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack-mic")
    command = speak_16k("hey hestia, turn on the kitchen lights", tmp / "command.wav")
    config = stack_config(
        tmp,
        stt={"engine": "pocketsphinx"},
        audio={
            "site": "kitchen",
            "source": "mic",
            "mic_command": [sys.executable, str(MIC), str(command), "3"],
        },
    )
    stack = start_stack(tmp, config, mic=True)
    yield stack
    stack.stop()


def test_command_heard_by_the_microphone_becomes_an_intent(mic_stack: Stack) -> None:
    """The room repeats the command every few seconds; where the wake stream's frames fall in the
    audio differs from one repetition to the next (as with a real microphone), so one repetition
    may be misheard: within the timeout, one must be understood, with its whole chain of events."""
    watcher = EventWatcher(mic_stack)
    try:
        chain = ("/wake/kitchen/detected", "/session/kitchen/started", "/stt/kitchen/transcript")
        recognized = watcher.wait_for(
            "/intent/kitchen/recognized",
            timeout=timeouts.EVENT_S * 3,
            where=lambda e: all(watcher.seen(kind, e["header"]["trace_id"]) for kind in chain),
        )
        assert recognized["intent"] == "HassTurnOn"
    finally:
        watcher.close()


def test_mute_stops_the_microphone_process_and_unmute_restarts_it(mic_stack: Stack) -> None:
    assert _wait_for_mic(mic_stack, present=True), "the microphone command is not running"
    assert mic_stack.hearth("mute", "kitchen").returncode == 0
    try:
        assert _wait_for_mic(mic_stack, present=False), "the microphone process survived the mute"
        time.sleep(1.0)
        assert not _mic_processes(mic_stack), "the microphone came back while muted"
    finally:
        assert mic_stack.hearth("unmute", "kitchen").returncode == 0
    assert _wait_for_mic(mic_stack, present=True), "unmute did not restart the microphone"


def _mic_processes(stack: Stack) -> list[int]:
    """This stack's microphone command: other test files' stacks, run side by side on another
    worker, loop the same script over their own recordings."""
    return processes_matching(re.escape(" ".join(stack.config["audio"]["mic_command"][1:])))


def _wait_for_mic(stack: Stack, present: bool, timeout: float = timeouts.EVENT_S) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bool(_mic_processes(stack)) == present:
            return True
        time.sleep(0.05)
    return False


def test_raw_audio_never_reaches_the_broker(mic_stack: Stack) -> None:
    """Everything published while the microphone streams and a session runs is a small JSON
    event."""
    watcher = EventWatcher(mic_stack, topic_filter="#")
    try:
        watcher.wait_for("/session/kitchen/ended", timeout=timeouts.EVENT_S * 2)
        for topic, payload in watcher.raw:
            assert payload[:1] in (b"{", b""), f"non-JSON payload on {topic}"
            assert b"RIFF" not in payload and b"pcm" not in payload, (
                f"audio-like payload on {topic}"
            )
    finally:
        watcher.close()


def _mic_pid(stack: Stack) -> int:
    assert _wait_for_mic(stack, present=True), "the microphone command is not running"
    pids = _mic_processes(stack)
    assert len(pids) == 1, pids
    return pids[0]


class _Vanishing:
    """Watches one process from another thread and notes the wall-clock time it is gone."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.gone_at: float | None = None
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        deadline = time.monotonic() + timeouts.EVENT_S
        while time.monotonic() < deadline:
            if process_gone(self.pid):
                self.gone_at = time.time()
                return
            time.sleep(0.002)

    def wait(self) -> float:
        self._thread.join(timeouts.EVENT_S + 1)
        assert self.gone_at is not None, "the microphone process is still running"
        return self.gone_at


def _rfc3339(text: str) -> float:
    """Seconds since the epoch of a protobuf JSON timestamp (nanoseconds trimmed to what datetime
    holds)."""
    head, _, rest = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{head}.{(rest + '000000')[:6]}+00:00").timestamp()


def test_mute_closes_the_microphone_within_200_ms_and_capture_stops_counting(
    mic_stack: Stack,
) -> None:
    watcher = EventWatcher(mic_stack)
    vanishing = _Vanishing(_mic_pid(mic_stack))
    try:
        assert mic_stack.hearth("mute", "kitchen").returncode == 0
        state = watcher.wait_for("/policy/kitchen/mute", where=lambda e: e.get("muted") is True)
        took = vanishing.wait() - _rfc3339(state["changed_at"])
        assert took <= MUTE_CLOSES_WITHIN_S, (
            f"the microphone closed {took * 1000:.0f} ms after the mute took effect"
        )
        captured = mic_stack.metric("audio", "hearth_audio_captured_seconds_total", site="kitchen")
        time.sleep(2.0)
        assert (
            mic_stack.metric("audio", "hearth_audio_captured_seconds_total", site="kitchen")
            == captured
        ), "audio counted while muted"
        assert mic_stack.metric("audio", "hearth_audio_capturing", site="kitchen") == 0
    finally:
        watcher.close()
        assert mic_stack.hearth("unmute", "kitchen").returncode == 0
    assert _wait_for_mic(mic_stack, present=True), "unmute did not restart the microphone"


def _capture_stops_within_the_lease(
    mic_stack: Stack, fault: Callable[[], object], heal: Callable[[], object]
) -> None:
    vanishing = _Vanishing(_mic_pid(mic_stack))
    started = time.time()
    fault()
    try:
        took = vanishing.wait() - started
        assert took <= LEASE_S + PROCESS_EXIT_S, f"capture went on for {took:.1f} s"
    finally:
        heal()
    assert _wait_for_mic(mic_stack, present=True, timeout=timeouts.EVENT_S * 3), (
        "capture did not resume once policy was back"
    )


def test_capture_stops_when_policy_dies(mic_stack: Stack) -> None:
    mark = mic_stack.mark()
    _capture_stops_within_the_lease(
        mic_stack,
        lambda: os.kill(mic_stack.service_pid("policy"), signal.SIGKILL),
        lambda: mic_stack.wait_for_log(r"hearth: policy is back", after=mark),
    )


def test_capture_stops_when_policy_stalls(mic_stack: Stack) -> None:
    """A policy that is alive but answers nothing (a hung process, a stalled connection): the
    lease runs out."""
    policy = mic_stack.service_pid("policy")
    _capture_stops_within_the_lease(
        mic_stack, lambda: os.kill(policy, signal.SIGSTOP), lambda: os.kill(policy, signal.SIGCONT)
    )


def test_capture_stops_when_the_broker_goes_away(mic_stack: Stack) -> None:
    """Without the broker, mute commands sent over MQTT cannot reach policy, so policy stops
    granting."""
    mark = mic_stack.mark()
    _capture_stops_within_the_lease(
        mic_stack,
        lambda: os.kill(mic_stack.broker_pid(), signal.SIGKILL),
        lambda: mic_stack.wait_for_log(r"hearth: broker listening again", after=mark),
    )
