"""Spoken answers at the site, through the real stack: say requests are synthesised by the tts
service and played (by a player command, to a file, or nowhere), the site does not wake itself by
saying the wake phrase, a person's wake word over an answer stops it and opens a session, and bad
requests end in clear events while the service stays up.

The kitchen is a simulated room (tests/tools/room.py): its player command "plays" into the room's
air and its microphone command hears that air, a little quieter, plus a person when cued. Two more
audio services speak for the office (to a WAV file, as the office's satellite: with its identity,
which may read and speak for its own room only) and the bedroom (no output device).
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hearth import events, speech, topics
from hearth.pcm import level_dbfs
from tests import timeouts
from tests.support import (
    EventWatcher,
    Room,
    Stack,
    child_env,
    speak_16k,
    stack_config,
    start_stack,
    transcribed,
)

pytestmark = pytest.mark.stack
ESPEAK_VOICE = "espeak:en-us"
"""The voice whose "hey hestia" the shipped wake model hears (it was trained on espeak-ng): the
answers that must not wake the site are said with it, so the microphone really hears a wake word."""
QUIET_S = 3.0
"""How long the test watches for a session that must not start."""
BARGE_IN_ATTEMPTS = 3
SAY_FOLLOWS_S = 3.0
"""Intent's answer follows its intent event at once."""
REPEAT_AFTER_S = 4.0
"""A person who is not heard says the wake word again after this long."""


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Room:
    return Room(tmp_path_factory.mktemp("room"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, room: Room) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack-playback")
    config = stack_config(
        tmp,
        stt={"engine": "pocketsphinx"},
        audio={"site": "kitchen", **room.audio_settings()},
    )
    stack = start_stack(tmp, config, mic=True, satellites=("office",))
    stack.wait_for_log(r"capture granted for site kitchen")
    speakers = [
        _audio_service(stack, "office", "file", identity="satellite-office"),
        _audio_service(stack, "bedroom", "none"),
        _audio_service(stack, "living_room", "player", player=_flaky_player(tmp)),
    ]
    watcher = _watching(stack)
    try:
        for instance in ("satellite-office", "bedroom-speaker", "living_room-speaker"):
            watcher.wait_for(
                f"/status/audio/{instance}",
                timeout=timeouts.STACK_START_S,
                where=lambda e: e.get("state") == "STATE_ONLINE",
            )
        yield stack
    finally:
        watcher.close()
        for process in speakers:
            process.terminate()
            process.wait(timeouts.STACK_STOP_S)
        stack.stop()


def _watching(stack: Stack) -> EventWatcher:
    """A watcher whose subscription is in place (a say at a site without output ends at once)."""
    watcher = EventWatcher(stack)
    watcher.wait_for("/intent/vocabulary")  # retained: it arrives once the subscription holds
    return watcher


def _flaky_player(tmp: Path) -> list[str]:
    """A player whose device fails the first time (busy, unplugged) and works after that."""
    failed_once = tmp / "player-failed-once"
    script = (
        f'if [ -e "{failed_once}" ]; then cat > /dev/null; '
        f'else touch "{failed_once}"; echo "device or resource busy" >&2; exit 1; fi'
    )
    return ["sh", "-c", script]


def _audio_service(
    stack: Stack, site: str, output: str, identity: str = "", player: list[str] | None = None
) -> subprocess.Popen[bytes]:
    """One more audio service, for a site without a microphone."""
    env = {
        **child_env(),
        "HEARTH_CONFIG": str(stack.config_path),
        "HEARTH__AUDIO__SITE": site,
        "HEARTH__AUDIO__SOURCE": "none",
        "HEARTH__AUDIO__OUTPUT": output,
        "HEARTH__AUDIO__INSTANCE": f"{site}-speaker",
        "HEARTH__AUDIO__METRICS_PORT": "0",
    }
    if identity:
        env["HEARTH__IDENTITY"] = identity
    if player:
        env["HEARTH__AUDIO__PLAYER_COMMAND"] = json.dumps(player)
    return subprocess.Popen(
        [sys.executable, "-m", "hearth_audio"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _say(stack: Stack, site: str, text: str, **fields: Any) -> str:
    """Publish a say request as the owner (a person's automation); returns its say_id."""
    request = speech.say_request("hearth", site, text, purpose="announcement", **fields)
    _publish(stack, topics.SAY.topic(site), events.encode(request))
    return request.say_id


def _publish(stack: Stack, topic: str, payload: bytes) -> None:
    client = stack.mqtt_client()
    client.connect("127.0.0.1", stack.mqtt_port)
    client.loop_start()
    try:
        client.publish(topic, payload, qos=1).wait_for_publish(timeouts.EVENT_S)
    finally:
        client.loop_stop()
        client.disconnect()


def _started(watcher: EventWatcher, site: str, say_id: str) -> dict[str, Any]:
    return watcher.wait_for(f"/tts/{site}/started", where=lambda e: e["say_id"] == say_id)


def _finished(
    watcher: EventWatcher, site: str, say_id: str, timeout: float = timeouts.EVENT_S * 2
) -> dict[str, Any]:
    return watcher.wait_for(
        f"/tts/{site}/finished", timeout=timeout, where=lambda e: e["say_id"] == say_id
    )


def _wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        rate = wav.getframerate()
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2"), rate


def _rfc3339(text: str) -> float:
    from datetime import datetime

    head, _, rest = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{head}.{(rest + '000000')[:6]}+00:00").timestamp()


ANSWERS = tuple(
    f"It is twenty past {hour}. Your timer has {left} minutes left."
    for hour, left in (("ten", "four"), ("eleven", "three"), ("nine", "two"))
)
"""Different each time, so each is synthesised (the tts service caches phrases it said)."""


def test_a_say_is_played_at_its_site_with_started_and_finished_and_understood(
    stack: Stack, room: Room, tmp_path: Path
) -> None:
    watcher = _watching(stack)
    try:
        before = len(room.played())
        latencies = []
        for answer in ANSWERS:
            say_id = _say(stack, "kitchen", answer)
            started = _started(watcher, "kitchen", say_id)
            finished = _finished(watcher, "kitchen", say_id)
            latencies.append(
                _rfc3339(started["header"]["sent_at"]) - _rfc3339(started["requested_at"])
            )
            assert finished["outcome"] == "OUTCOME_PLAYED", finished
            assert 2.0 < finished["played_s"] < 8.0, finished
        print(f"say → first sample (Piper): {[round(s * 1000) for s in latencies]} ms")
        assert started["voice"], started
    finally:
        watcher.close()
    played = room.played()[before:]
    assert len(played) == 3
    samples, rate = _wav(played[-1])
    assert abs(samples.size / rate - finished["played_s"]) < 0.3
    assert level_dbfs(samples) > -35, "the answer is not speech"
    heard = transcribed(played[-1], tmp_path)
    assert _words(ANSWERS[-1]) <= _words(heard), heard


NUMBERS = {"9": "nine", "2": "two", "20": "twenty"}


def _words(text: str) -> set[str]:
    return {NUMBERS.get(w, w) for w in re.sub(r"[^\w\s]", " ", text.lower()).split()}


def test_an_answer_to_a_file_is_a_wav_of_speech_that_starts_with_the_chime(stack: Stack) -> None:
    watcher = _watching(stack)
    try:
        say_id = _say(stack, "office", "Your tea is ready.", chime=True)
        finished = _finished(watcher, "office", say_id)
    finally:
        watcher.close()
    assert finished["outcome"] == "OUTCOME_PLAYED", finished
    answer = Path(stack.config["data_dir"]) / "answers" / "office.wav"
    samples, rate = _wav(answer)
    assert 1.0 < samples.size / rate < 5.0
    assert abs(samples.size / rate - finished["played_s"]) < 0.1
    assert answer.stat().st_mode & 0o077 == 0, "the answer file is readable by others"
    spectrum = np.abs(np.fft.rfft(samples[: int(0.15 * rate)].astype(float)))
    assert abs(np.argmax(spectrum) * rate / int(0.15 * rate) - 880) < 20, "no chime first"
    assert level_dbfs(samples[int(0.5 * rate) :]) > -35, "no speech after the chime"


def test_the_site_does_not_wake_itself_by_saying_the_wake_phrase(stack: Stack) -> None:
    watcher = _watching(stack)
    suppressed = stack.metric("audio", "hearth_audio_self_wakes_suppressed_total", site="kitchen")
    try:
        mark = watcher.mark()
        say_id = _say(
            stack,
            "kitchen",
            "To talk to me, say hey hestia, then what you want. Hey hestia is my name.",
            voice=ESPEAK_VOICE,
        )
        finished = _finished(watcher, "kitchen", say_id)
        assert finished["outcome"] == "OUTCOME_PLAYED", finished
        time.sleep(QUIET_S)
        kitchen = [t for t, _ in watcher.events[mark:] if "/kitchen/" in t]
        assert not [t for t in kitchen if t.endswith("/session/kitchen/started")], kitchen
        assert any(t.endswith("/wake/kitchen/detected") for t in kitchen), (
            "the microphone never heard the wake phrase: the test proves nothing"
        )
    finally:
        watcher.close()
    assert (
        stack.metric("audio", "hearth_audio_self_wakes_suppressed_total", site="kitchen")
        > suppressed
    )


def test_a_wake_word_spoken_over_an_answer_stops_it_and_opens_a_session(
    stack: Stack, room: Room, tmp_path: Path
) -> None:
    """The person says the wake word again when the answer goes on, as people do: the wake model
    misses a wake word under speech now and then (1 position in 28 in a measurement of this
    answer), so one miss must not fail the test; three in a row would."""
    person = speak_16k("hey hestia, what time is it", tmp_path / "person.wav")
    long_answer = " ".join(
        f"Item {n}: the kitchen lights are on and the oven is at two hundred degrees."
        for n in range(1, 7)
    )
    watcher = _watching(stack)
    barge_ins = stack.metric("audio", "hearth_audio_barge_ins_total", site="kitchen")
    try:
        say_id = _say(stack, "kitchen", long_answer)
        _started(watcher, "kitchen", say_id)
        mark = watcher.mark()
        attempts, finished = 0, None
        while finished is None and attempts < BARGE_IN_ATTEMPTS:
            attempts += 1
            time.sleep(2.0)
            spoken_at = time.time()
            room.speak(person)
            with contextlib.suppress(AssertionError):
                finished = _finished(watcher, "kitchen", say_id, timeout=REPEAT_AFTER_S)
        finished = finished or _finished(watcher, "kitchen", say_id)
        stopped_after = _rfc3339(finished["header"]["sent_at"]) - spoken_at
        assert finished["outcome"] == "OUTCOME_INTERRUPTED", finished
        started = watcher.wait_for("/session/kitchen/started", after=mark)
        assert started["trigger"] in ("TRIGGER_WAKE_WORD", None, ""), started
        print(
            f"barge-in: the answer stopped {stopped_after:.2f} s after the person began "
            f"(attempt {attempts})"
        )
        _answered(watcher, started["header"]["trace_id"])
    finally:
        watcher.close()
    assert stack.metric("audio", "hearth_audio_barge_ins_total", site="kitchen") > barge_ins


def _answered(watcher: EventWatcher, trace_id: str) -> None:
    """Wait until the command the person said has been answered aloud, so its answer does not play
    in another test."""

    def of_command(event: dict[str, Any]) -> bool:
        return bool(event["header"]["trace_id"] == trace_id)

    watcher.wait_for("/session/kitchen/ended", timeout=timeouts.EVENT_S * 2, where=of_command)
    with contextlib.suppress(AssertionError):  # recognised or not, intent says what came of it
        watcher.wait_for("recognized", timeout=timeouts.EVENT_S, where=of_command)
    with contextlib.suppress(AssertionError):  # a session that heard nothing is not answered
        watcher.wait_for("/tts/kitchen/say", timeout=SAY_FOLLOWS_S, where=of_command)
    for topic, say in list(watcher.events):
        if topic.endswith("/tts/kitchen/say") and of_command(say):
            _finished(watcher, "kitchen", say["say_id"])


def test_a_site_without_an_output_device_says_so(stack: Stack) -> None:
    watcher = _watching(stack)
    try:
        say_id = _say(stack, "bedroom", "Good night.")
        finished = _finished(watcher, "bedroom", say_id, timeout=timeouts.EVENT_S)
    finally:
        watcher.close()
    assert finished["outcome"] == "OUTCOME_NO_OUTPUT", finished
    assert "no output" in finished["detail"]


def test_an_unknown_voice_and_garbage_fail_clearly_and_the_next_say_plays(stack: Stack) -> None:
    watcher = _watching(stack)
    try:
        failed = _say(stack, "office", "Hello there.", voice="no-such-voice")
        _publish(stack, topics.SAY.topic("office"), b"\x00 not json")
        _publish(stack, topics.SAY.topic("office"), b'{"text": ""}')
        too_long = _say(stack, "office", "word " * 400)
        works = _say(stack, "office", "Hello there.")
        failure = _finished(watcher, "office", failed)
        long_failure = _finished(watcher, "office", too_long)
        played = _finished(watcher, "office", works)
    finally:
        watcher.close()
    assert failure["outcome"] == "OUTCOME_FAILED", failure
    assert "no-such-voice" in failure["detail"], failure
    assert long_failure["outcome"] == "OUTCOME_FAILED", long_failure
    assert long_failure["detail"].startswith("tts:"), long_failure
    assert played["outcome"] == "OUTCOME_PLAYED", played


def test_a_follow_up_is_asked_after_an_answer_that_continues_and_ends_soon_in_silence(
    stack: Stack,
) -> None:
    """After an answer that continues the conversation the site asks policy for a follow-up. This
    one follows a session that never asked to continue: a policy that checks refuses it and
    nothing opens; one that grants it opens a FOLLOW_UP session, which ends soon in the room's
    silence (audio.follow_up_listen_s, 4 s), not at policy's session_max_s."""
    asked = stack.metric("audio", "hearth_audio_follow_ups_total", site="kitchen")
    watcher = _watching(stack)
    try:
        mark = watcher.mark()
        say_id = _say(
            stack, "kitchen", "Which room?", continue_conversation=True, session_id="no-session"
        )
        finished_at = time.monotonic()
        assert _finished(watcher, "kitchen", say_id)["outcome"] == "OUTCOME_PLAYED"
        deadline = time.monotonic() + timeouts.EVENT_S
        while (
            stack.metric("audio", "hearth_audio_follow_ups_total", site="kitchen") == asked
            and time.monotonic() < deadline
        ):
            time.sleep(0.2)
        granted = stack.metric(
            "audio", "hearth_audio_follow_ups_total", site="kitchen", outcome="granted"
        )
        time.sleep(1.0)
        sessions = [e for t, e in watcher.events[mark:] if t.endswith("/session/kitchen/started")]
        if not granted:
            assert not sessions, sessions
            return
        assert [e["trigger"] for e in sessions] == ["TRIGGER_FOLLOW_UP"], sessions
        ended = watcher.wait_for("/session/kitchen/ended", after=mark)
        assert ended["outcome"] == "OUTCOME_CANCELLED", ended
        assert time.monotonic() - finished_at < 4.0 + 3.0, "the follow-up waited too long"
    finally:
        watcher.close()


def test_a_failing_player_fails_that_answer_clearly_and_the_next_one_plays(stack: Stack) -> None:
    watcher = _watching(stack)
    try:
        first = _say(stack, "living_room", "Dinner is ready.")
        second = _say(stack, "living_room", "Dinner is ready.")
        failed = _finished(watcher, "living_room", first)
        played = _finished(watcher, "living_room", second)
    finally:
        watcher.close()
    assert failed["outcome"] == "OUTCOME_FAILED", failed
    assert "exit code 1" in failed["detail"] and "device or resource busy" in failed["detail"]
    assert played["outcome"] == "OUTCOME_PLAYED", played
