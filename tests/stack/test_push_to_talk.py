"""Sessions without a wake word, through the real stack: `hearth listen SITE` (a talk button) and
`hearth run-file --no-wake`. Each is authorised like any other session: a muted or unknown site
refuses it, and nothing reaches speech-to-text.

The kitchen's microphone command is tests/tools/cued_mic.py: a quiet room in which a person says
"turn on the kitchen lights" (no wake word) each time the test cues it, as after pressing a button.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import timeouts
from tests.support import (
    REPO,
    EventWatcher,
    Stack,
    events_of,
    speak,
    speak_16k,
    stack_config,
    start_stack,
)

pytestmark = pytest.mark.stack
MIC = REPO / "tests" / "tools" / "cued_mic.py"
COMMAND = "turn on the kitchen lights"
PUSH_TO_TALK = "TRIGGER_PUSH_TO_TALK"
QUIET_S = 3.0
"""How long the test watches for a session that must not start."""


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return speak(COMMAND, tmp_path_factory.mktemp("ptt-speech") / "command.wav")


@pytest.fixture(scope="module")
def cue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ptt-cue") / "speak-now"


@pytest.fixture(scope="module")
def ptt_stack(tmp_path_factory: pytest.TempPathFactory, spoken: Path, cue: Path) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack-ptt")
    command = speak_16k(COMMAND, tmp / "command-16k.wav")
    config = stack_config(
        tmp,
        stt={"engine": "pocketsphinx"},
        audio={
            "site": "kitchen",
            "source": "mic",
            "mic_command": [sys.executable, str(MIC), str(command), str(cue)],
        },
    )
    stack = start_stack(tmp, config, mic=True)
    stack.wait_for_log(r"capture granted for site kitchen")
    yield stack
    stack.stop()


def _trace_of(listen: subprocess.CompletedProcess[str]) -> str:
    found = re.search(r"trace (\w+)", listen.stdout)
    assert found, listen.stdout
    return found.group(1)


def test_listen_opens_a_session_that_hears_what_is_said_next(ptt_stack: Stack, cue: Path) -> None:
    watcher = EventWatcher(ptt_stack)
    try:
        listen = ptt_stack.hearth("listen", "kitchen")
        assert listen.returncode == 0, listen.stdout + listen.stderr
        cue.touch()
        trace = _trace_of(listen)
        recognized = watcher.wait_for(
            "/intent/kitchen/recognized",
            timeout=timeouts.EVENT_S * 2,
            where=lambda e: e["header"]["trace_id"] == trace,
        )
        assert recognized["intent"] == "HassTurnOn", recognized
        started = watcher.wait_for(
            "/session/kitchen/started", where=lambda e: e["header"]["trace_id"] == trace
        )
        assert started["trigger"] == PUSH_TO_TALK and started["wake_word"] == ""
        assert not watcher.seen("/wake/kitchen/detected", trace)
        session_id = started["header"]["session_id"]
        watcher.wait_for("/session/kitchen/ended", where=lambda e: e["header"]["trace_id"] == trace)
    finally:
        watcher.close()
    # Recorded like any other session: its session-log entry and its transcript.
    held = _held(ptt_stack, session_id)
    assert {"session", "transcript", "intent"} <= set(held), held
    report = ptt_stack.hearth("privacy", "report", "--json")
    days = json.loads(report.stdout)["days"]
    assert any(d["site"] == "kitchen" and d["pushToTalk"] >= 1 for d in days), days


def _held(stack: Stack, session_id: str) -> dict[str, dict[str, object]]:
    deadline = time.monotonic() + timeouts.EVENT_S
    while True:
        export = stack.hearth("privacy", "export", "--site", "kitchen")
        assert export.returncode == 0, export.stderr
        items = json.loads(export.stdout)["items"]
        held = {i["class"]: i for i in items if i.get("session_id") == session_id}
        if "session" in held or time.monotonic() > deadline:
            return held
        time.sleep(0.5)


def test_run_file_without_a_wake_word_gives_the_intent(ptt_stack: Stack, spoken: Path) -> None:
    """The file says no wake word; it goes straight into a push-to-talk session. The office has no
    audio service of its own: run-file is its microphone."""
    result = ptt_stack.run_file(spoken, "--site", "office", "--no-wake")
    assert result.returncode == 0, result.stdout + result.stderr
    events = {event["event"]: event for event in events_of(result)}
    assert events["intent.recognized"]["intent"] == "HassTurnOn", events["intent.recognized"]
    assert events["session.started"]["trigger"] == PUSH_TO_TALK
    assert "wake.detected" not in events


def test_a_muted_site_refuses_push_to_talk_and_nothing_reaches_stt(
    ptt_stack: Stack, spoken: Path, cue: Path
) -> None:
    assert ptt_stack.hearth("mute", "kitchen").returncode == 0
    watcher = EventWatcher(ptt_stack)
    try:
        listen = ptt_stack.hearth("listen", "kitchen")
        assert listen.returncode == 2 and "site is muted" in listen.stderr, listen.stderr
        played = ptt_stack.run_file(spoken, "--site", "kitchen", "--no-wake")
        assert played.returncode == 2 and "muted" in played.stderr, played.stderr
        cue.touch()  # the room speaks; the microphone is closed
        time.sleep(QUIET_S)
        kitchen = [topic for topic, _ in watcher.events if "/kitchen/" in topic]
        assert not [t for t in kitchen if t.endswith(("/started", "/transcript"))], kitchen
    finally:
        watcher.close()
        cue.unlink(missing_ok=True)
        assert ptt_stack.hearth("unmute", "kitchen").returncode == 0


def test_an_unknown_site_is_refused(ptt_stack: Stack, spoken: Path) -> None:
    listen = ptt_stack.hearth("listen", "garage")
    assert listen.returncode == 2 and "unknown site 'garage'" in listen.stderr, listen.stderr
    played = ptt_stack.run_file(spoken, "--site", "garage", "--no-wake")
    assert played.returncode == 2 and "unknown site 'garage'" in played.stderr, played.stderr


def test_a_site_without_a_microphone_cannot_listen(ptt_stack: Stack) -> None:
    listen = ptt_stack.hearth("listen", "bedroom")
    assert listen.returncode == 2
    assert "no microphone is connected for site 'bedroom'" in listen.stderr, listen.stderr
