"""What `hearth up` prints about each event: the words people said only when the owner asked for
them with --show-words (a terminal, a log file or a screen share must not leak them)."""

from __future__ import annotations

import argparse
import asyncio

import pytest

from hearth.cli import up
from hearth.cli.watch import describe
from hearth.settings import CommonSettings
from hearth.v1 import events_pb2

SAID = "unlock the back door"
EVENTS = {
    "stt.transcript": events_pb2.Transcript(text=SAID, engine="whisper", mode="grammar"),
    "intent.not_recognized": events_pb2.IntentNotRecognized(text=SAID),
    "intent.recognized": events_pb2.IntentRecognized(
        intent="HassTurnOn", text=SAID, speech=f"you said {SAID}", slots={"name": "lamp"}
    ),
}


def _printed(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    parser = argparse.ArgumentParser()
    up.add_arguments(parser)
    launcher = up.Launcher(CommonSettings(), None, parser.parse_args(list(argv)))
    for kind, message in EVENTS.items():
        asyncio.run(launcher.on_event(kind, message))
    return capsys.readouterr().out


def test_hearth_up_hides_what_was_said_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    printed = _printed(capsys)
    assert SAID not in printed
    assert "stt.transcript" in printed and "HassTurnOn" in printed
    assert "--show-words" in printed


def test_show_words_prints_what_was_said(capsys: pytest.CaptureFixture[str]) -> None:
    printed = _printed(capsys, "--show-words")
    assert printed.count(SAID) == 3  # the transcript, the unrecognised text, the answer


def test_what_was_said_aloud_is_shown_by_how_it_ended_never_by_its_text() -> None:
    finished = events_pb2.SpeechFinished(
        say_id="a1",
        outcome=events_pb2.SpeechFinished.OUTCOME_PLAYED,
        played_s=1.84,
        purpose="answer",
    )
    assert describe("tts.finished", finished).split(None, 2)[2] == "answer: played 1.8 s"
    failed = events_pb2.SpeechFinished(
        outcome=events_pb2.SpeechFinished.OUTCOME_FAILED,
        detail="unknown voice 'x'",
        purpose="timer",
    )
    assert describe("tts.finished", failed).endswith("timer: failed: unknown voice 'x'")
    started = events_pb2.SpeechStarted(purpose="announcement", voice="en_US-joe-medium")
    assert describe("tts.started", started).endswith("announcement (voice en_US-joe-medium)")
