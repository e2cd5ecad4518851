"""`hearth say SITE "text"` against a real Mosquitto: it publishes a say request as the owner,
waits for that request's `finished` event (published here with the audio service's own broker
login, as the site's audio service would) and says how it went; bad input is refused before
anything is sent."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from hearth import events, speech, topics
from hearth.v1 import events_pb2
from tests import timeouts
from tests.support import Broker, producer_of

Outcome = events_pb2.SpeechFinished


@dataclass
class KitchenSpeaker:
    """Stands in for the kitchen's audio service on the broker: takes say requests (the broker
    lets audio read them) and answers each with `outcome` (or not at all)."""

    broker: Broker
    outcome: Outcome.Outcome.ValueType | None = Outcome.OUTCOME_PLAYED
    detail: str = ""
    heard: list[events_pb2.SayRequest] = field(default_factory=list)
    got_one: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        assert producer_of(topics.SPEECH_FINISHED.topic("kitchen")) == "audio"
        self.client = self.broker.client("audio")
        self.client.on_connect = lambda c, *_: c.subscribe(topics.SAY.filter, qos=1)
        self.client.on_message = self._on_say
        self.subscribed = threading.Event()
        self.client.on_subscribe = lambda *_: self.subscribed.set()
        self.client.connect("127.0.0.1", self.broker.port)
        self.client.loop_start()
        assert self.subscribed.wait(timeouts.EVENT_S)

    def _on_say(self, _client: Any, _userdata: Any, msg: Any) -> None:
        say = events.decode(msg.payload, events_pb2.SayRequest)
        self.heard.append(say)
        self.got_one.set()
        if self.outcome is None:
            return
        finished = events_pb2.SpeechFinished(
            header=events.header("audio", site="kitchen", trace_id=say.header.trace_id),
            say_id=say.say_id,
            outcome=self.outcome,
            played_s=1.8 if self.outcome == Outcome.OUTCOME_PLAYED else 0.0,
            detail=self.detail,
            purpose=say.purpose,
        )
        self.client.publish(topics.SPEECH_FINISHED.topic("kitchen"), events.encode(finished), qos=1)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture()
def config(tmp_path: Path, broker: Broker) -> Path:
    path = tmp_path / "hearth.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp_path / "data"),
                "sites": ["kitchen", "office"],
                "mqtt": {"port": broker.port},
            }
        )
    )
    return path


@pytest.fixture()
def speaker(broker: Broker) -> Iterator[KitchenSpeaker]:
    running = KitchenSpeaker(broker)
    yield running
    running.close()


def hearth_say(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hearth", "say", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
    )


def test_say_waits_for_the_site_and_says_how_it_went(config: Path, speaker: KitchenSpeaker) -> None:
    said = hearth_say(config, "kitchen", "Dinner is ready.", "--chime", "--voice", "espeak:en-us")
    assert said.returncode == 0, said.stderr
    assert said.stdout.strip() == "played at kitchen in 1.8 s"
    [request] = speaker.heard
    assert (request.text, request.purpose, request.chime, request.voice) == (
        "Dinner is ready.",
        "announcement",
        True,
        "espeak:en-us",
    )
    assert request.header.producer == "hearth" and request.header.site == "kitchen"
    assert request.say_id and not request.continue_conversation


@pytest.mark.parametrize(
    ("outcome", "detail", "expected"),
    [
        (Outcome.OUTCOME_NO_OUTPUT, "", "no output device at kitchen"),
        (
            Outcome.OUTCOME_FAILED,
            "unknown voice 'klingon'",
            "failed: unknown voice 'klingon'",
        ),
    ],
)
def test_say_tells_why_nothing_was_heard(
    config: Path,
    speaker: KitchenSpeaker,
    outcome: Outcome.Outcome.ValueType,
    detail: str,
    expected: str,
) -> None:
    speaker.outcome, speaker.detail = outcome, detail
    said = hearth_say(config, "kitchen", "Dinner is ready.")
    assert said.returncode == 1
    assert said.stderr.strip() == f"hearth say: {expected}"


def test_say_gives_up_when_no_audio_service_answers(config: Path, speaker: KitchenSpeaker) -> None:
    speaker.outcome = None
    said = hearth_say(config, "kitchen", "Anyone there?", "--timeout", "1")
    assert said.returncode == 1
    assert said.stderr.strip() == ("hearth say: no audio service answered for kitchen within 1 s")
    assert len(speaker.heard) == 1, "the request was sent"


def test_say_without_waiting_returns_once_the_broker_has_it(
    config: Path, speaker: KitchenSpeaker
) -> None:
    speaker.outcome = None
    said = hearth_say(config, "kitchen", "Back in five minutes.", "--no-wait")
    assert said.returncode == 0, said.stderr
    assert said.stdout.startswith("sent to kitchen")
    assert speaker.got_one.wait(timeouts.EVENT_S)
    assert speaker.heard[0].text == "Back in five minutes."


@pytest.mark.parametrize(
    ("site", "text", "problem"),
    [
        ("garage", "hello", "unknown site 'garage' (known: kitchen, office)"),
        ("kitchen", "   ", "there is nothing to say (the text is empty)"),
        (
            "kitchen",
            "la " * speech.MAX_SAY_CHARS,
            f"the text has {3 * speech.MAX_SAY_CHARS} characters; at most "
            f"{speech.MAX_SAY_CHARS} can be said at once",
        ),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(
    config: Path, speaker: KitchenSpeaker, site: str, text: str, problem: str
) -> None:
    said = hearth_say(config, site, text)
    assert said.returncode == 2
    assert said.stderr.strip() == f"hearth say: {problem}"
    assert not speaker.got_one.wait(0.5) and speaker.heard == []
