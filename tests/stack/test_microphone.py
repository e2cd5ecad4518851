"""The audio service itself, capturing from its microphone command (the same path as `arecord`):
a command heard in the room comes out as an intent, and muting the site ends the microphone process.

The microphone command here is tests/tools/looping_mic.py, which streams a synthesized command
in real time, again and again, as a real microphone streams whatever the room says.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from tests import timeouts
from tests.support import REPO, EventWatcher, Stack, processes_matching, speak, stack_config, start_stack

pytestmark = pytest.mark.stack
MIC = REPO / "tests" / "tools" / "looping_mic.py"


@pytest.fixture(scope="module")
def mic_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack-mic")
    spoken = speak("hey hestia, what time is it", tmp / "spoken.wav")
    command = tmp / "command.wav"
    subprocess.run(["sox", "-R", str(spoken), "-r", "16000", "-c", "1", "-b", "16", str(command)], check=True, timeout=timeouts.SYNTH_S)
    config = stack_config(
        tmp,
        stt={"engine": "pocketsphinx"},
        audio={"site": "kitchen", "source": "mic", "mic_command": [sys.executable, str(MIC), str(command), "3"]},
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
        assert recognized["intent"] == "HassGetCurrentTime"
    finally:
        watcher.close()


def test_mute_stops_the_microphone_process_and_unmute_restarts_it(mic_stack: Stack) -> None:
    assert _wait_for_mic(present=True), "the microphone command is not running"
    assert mic_stack.hearth("mute", "kitchen").returncode == 0
    try:
        assert _wait_for_mic(present=False), "the microphone process survived the mute"
        time.sleep(1.0)
        assert not processes_matching(str(MIC)), "the microphone came back while muted"
    finally:
        assert mic_stack.hearth("unmute", "kitchen").returncode == 0
    assert _wait_for_mic(present=True), "unmute did not restart the microphone"


def _wait_for_mic(present: bool, timeout: float = timeouts.EVENT_S) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if bool(processes_matching(str(MIC))) == present:
            return True
        time.sleep(0.05)
    return False


def test_raw_audio_never_reaches_the_broker(mic_stack: Stack) -> None:
    """Everything published while the microphone streams and a session runs is a small JSON event."""
    watcher = EventWatcher(mic_stack, topic_filter="#")
    try:
        watcher.wait_for("/session/kitchen/ended", timeout=timeouts.EVENT_S * 2)
        for topic, payload in watcher.raw:
            assert payload[:1] in (b"{", b""), f"non-JSON payload on {topic}"
            assert b"RIFF" not in payload and b"pcm" not in payload, f"audio-like payload on {topic}"
    finally:
        watcher.close()

