"""Conversation through the real stack: when an answer asks a question, the person answers it
without the wake word (a follow-up session, granted by policy once, after that answer, and shown as
such in the privacy report), and a muted site never listens on.

The kitchen is a simulated room (tests/tools/room.py): answers play into its air, and its
microphone hears them and the person. The person says the wake word with espeak-ng (the family the
shipped wake model hears) and everything else with Piper; stt is Whisper, the default. The question
is the timer plugin's own: "stop the timer" with two timers running asks "Which one?", and "stop
the five minute timer" answers it. (The recogniser's vocabulary has no timer named by its length:
Whisper writes that answer out word for word and intent acts on it as an exact match.)
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hearth.v1 import intent_pb2, intent_pb2_grpc, policy_pb2, policy_pb2_grpc
from tests import timeouts
from tests.speech import voice_wav, woken_command_wav
from tests.support import EventWatcher, Room, Stack, stack_config, start_stack

pytestmark = pytest.mark.stack
SITE = "kitchen"
ATTEMPTS = 3
"""A person who hears "Sorry, I didn't understand" says it again. Whisper's confidence on the
person's voice in this room is on a knife edge (issue 13, docs/benchmarks.md): measured here, about
one command in four needs a second try. What is tested is the conversation, not recognition, so
a misheard turn is repeated, never accepted as a different command, and three misses fail."""
QUIET_S = 4.0
"""How long the test watches for a follow-up session that must not open (the site asks policy as
soon as the answer has played)."""


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Room:
    return Room(tmp_path_factory.mktemp("conversation-room"))


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, room: Room) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack-conversation")
    config = stack_config(
        tmp,
        intent={"plugins": {"enabled": ["time", "privacy", "timer"]}},
        audio={"site": SITE, **room.audio_settings()},
    )
    running = start_stack(tmp, config, mic=True)
    running.wait_for_log(rf"capture granted for site {SITE}")
    # Capture is granted before the microphone's stream to wake opens, and the audio service drops
    # what the microphone heard before it: a command spoken then got no answer in two CI runs. A
    # person waits for the device to listen; so does the test.
    running.wait_for_log(rf"site {SITE} streaming its microphone to wake")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def person(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """person("hey hestia, <command>") or person("<command>") -> a 16 kHz WAV of it."""
    directory = tmp_path_factory.mktemp("person")
    made: dict[str, Path] = {}

    def wav(text: str) -> Path:
        if text not in made:
            path = directory / f"{len(made)}.wav"
            wake, _, command = text.partition(", ")
            made[text] = (
                woken_command_wav(command, path)
                if wake == "hey hestia" and command
                else voice_wav(text, path, "piper")
            )
        return made[text]

    return wav


@pytest.fixture
def watcher(stack: Stack) -> Iterator[EventWatcher]:
    _no_timers(stack)  # each test sets its own two; another's must not make three
    watching = EventWatcher(stack)
    watching.wait_for("/intent/vocabulary")  # retained: the subscription holds
    yield watching
    watching.close()


def _said(
    stack: Stack, room: Room, watcher: EventWatcher, wav: Path, intent: str
) -> dict[str, Any]:
    """The person speaks in the kitchen (again, when not understood); the intent event, once its
    answer has been played."""
    heard: list[str] = []
    for _ in range(ATTEMPTS):
        mark, log_mark = watcher.mark(), stack.mark()
        room.speak(wav)
        result = _result(watcher, mark, stack, log_mark)
        _answer_played(watcher, result, mark)
        if result["topic"].endswith("/recognized"):
            assert result["intent"] == intent, result  # a different command is a failure
            return result
        heard.append(result.get("text", ""))
    raise AssertionError(f"not understood in {ATTEMPTS} tries; heard: {heard}")


def _result(watcher: EventWatcher, mark: int, stack: Stack, log_mark: int) -> dict[str, Any]:
    """The next intent result at the site (recognised or not), with its topic."""
    deadline = time.monotonic() + timeouts.SPOKEN_COMMANDS_S
    while time.monotonic() < deadline:
        for topic, event in watcher.events[mark:]:
            if topic.endswith((f"/intent/{SITE}/recognized", f"/intent/{SITE}/not_recognized")):
                return {**event, "topic": topic}
        time.sleep(0.05)
    events = [topic for topic, _ in watcher.events[mark:]]
    raise AssertionError(
        f"the person was never answered; events since: {events}; log since:\n"
        + "\n".join(stack.log_lines(log_mark)[-40:])
    )


def _answer_played(watcher: EventWatcher, result: dict[str, Any], mark: int) -> None:
    session_id = result["header"]["session_id"]
    if result["topic"].endswith("/not_recognized") and not result.get("text"):
        return  # nothing was heard: nothing is said
    say = watcher.wait_for(
        f"/tts/{SITE}/say", after=mark, where=lambda e: e["header"]["session_id"] == session_id
    )
    finished = watcher.wait_for(
        f"/tts/{SITE}/finished",
        after=mark,
        timeout=timeouts.EVENT_S * 3,
        where=lambda e: e["say_id"] == say["say_id"],
    )
    assert finished["outcome"] == "OUTCOME_PLAYED", finished


def _two_timers(stack: Stack, room: Room, watcher: EventWatcher, person: Any) -> None:
    for text in ("set a timer for five minutes", "set a timer for ten minutes"):
        _said(stack, room, watcher, person(f"hey hestia, {text}"), "HassStartTimer")


def _no_timers(stack: Stack) -> None:
    """Cancel the kitchen's timers, as typed to the intent service (a text query runs the
    handler, and says nothing)."""
    reply = intent_pb2_grpc.IntentStub(stack.channel("intent")).Recognize(
        intent_pb2.RecognizeRequest(text="cancel all timers", site=SITE), timeout=timeouts.RPC_S
    )
    assert reply.intent == "HassCancelAllTimers", reply


def _follow_ups(stack: Stack) -> int:
    report = policy_pb2_grpc.PolicyStub(stack.channel("policy")).Report(
        policy_pb2.ReportRequest(), timeout=timeouts.RPC_S
    )
    return sum(day.follow_ups for day in report.days if day.site == SITE)


def test_a_question_is_answered_without_the_wake_word(
    stack: Stack, room: Room, watcher: EventWatcher, person: Any
) -> None:
    _two_timers(stack, room, watcher, person)
    follow_ups = _follow_ups(stack)
    mark = watcher.mark()
    question = _said(stack, room, watcher, person("hey hestia, stop the timer"), "HassCancelTimer")
    assert question["speech"].endswith("Which one?"), question
    assert question["continue_conversation"] is True, question
    listening = watcher.wait_for(
        f"/session/{SITE}/started",
        after=mark,
        where=lambda e: e.get("trigger") == "TRIGGER_FOLLOW_UP",
    )
    heard_from = watcher.mark()
    room.speak(person("stop the five minute timer"))  # no wake word
    answer = watcher.wait_for(
        f"/intent/{SITE}/recognized", after=heard_from, timeout=timeouts.SPOKEN_COMMANDS_S
    )
    assert answer["header"]["session_id"] == listening["header"]["session_id"], answer
    assert answer["intent"] == "HassCancelTimer", answer
    assert answer["slots"].get("start_minutes") == "5", answer
    assert answer["speech"] == "5 minute timer cancelled.", answer
    woken = [t for t, _ in watcher.events[heard_from:] if t.endswith(f"/wake/{SITE}/detected")]
    assert woken == [], "the follow-up needed no wake word"
    # Policy records a session once its end and its result have both arrived, at its next sweep:
    # the report catches up a moment after the intent event.
    deadline = time.monotonic() + timeouts.EVENT_S
    while _follow_ups(stack) <= follow_ups and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _follow_ups(stack) > follow_ups, "the report shows it as a follow-up"


def test_a_muted_site_does_not_listen_on_after_a_question(
    stack: Stack, room: Room, watcher: EventWatcher, person: Any
) -> None:
    _two_timers(stack, room, watcher, person)
    refused = stack.metric("audio", "hearth_audio_follow_ups_total", site=SITE, outcome="refused")
    policy = policy_pb2_grpc.PolicyStub(stack.channel("policy"))
    for _ in range(ATTEMPTS):
        mark, log_mark = watcher.mark(), stack.mark()
        room.speak(person("hey hestia, stop the timer"))
        question = _result(watcher, mark, stack, log_mark)
        if question["topic"].endswith("/recognized"):
            break
        _answer_played(watcher, question, mark)
    assert question["continue_conversation"] is True, question
    try:
        policy.SetMute(policy_pb2.SetMuteRequest(site=SITE, muted=True), timeout=timeouts.RPC_S)
        _answer_played(watcher, question, mark)  # the answer still plays: mute stops listening
        deadline = time.monotonic() + QUIET_S
        while time.monotonic() < deadline:
            asked = stack.metric(
                "audio", "hearth_audio_follow_ups_total", site=SITE, outcome="refused"
            )
            if asked > refused:
                break
            time.sleep(0.2)
        assert asked == refused + 1, "the site asked for its follow-up and policy refused it"
        opened = [
            event
            for topic, event in watcher.events[mark:]
            if topic.endswith(f"/session/{SITE}/started")
            and event.get("trigger") == "TRIGGER_FOLLOW_UP"
        ]
        assert opened == [], opened
    finally:
        unmuted = stack.mark()
        policy.SetMute(policy_pb2.SetMuteRequest(site=SITE, muted=False), timeout=timeouts.RPC_S)
        stack.wait_for_log(rf"capture granted for site {SITE}", after=unmuted)
