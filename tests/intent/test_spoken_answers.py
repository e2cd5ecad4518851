"""The intent service speaks: a command's answer becomes a say request at the site it was heard
at (in its session and trace, continuing the conversation when the handler asks), "not
recognised" is said when words were heard, a false wake that heard nothing stays silent, text
queries never speak, and a timer rings aloud until the wake word is spoken over it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from google.protobuf.message import Message

from hearth import events, identity, speech, topics
from hearth.settings import CommonSettings
from hearth.v1 import events_pb2
from hearth_intent.service import IntentService
from hearth_intent.settings import IntentSettings, PluginSelection

SITE = "kitchen"


class Published(list[tuple[str, Message]]):
    def of(self, kind: topics.EventKind[Any]) -> list[Any]:
        return [message for topic, message in self if topic == kind.topic(SITE)]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not condition():
                await asyncio.sleep(0.02)


async def started_service(tmp_path: Path, **settings: Any) -> tuple[IntentService, Published]:
    identity.ensure_secrets(tmp_path / "secrets", ())
    service = IntentService(
        CommonSettings(sites=(SITE, "office"), data_dir=tmp_path),
        IntentSettings(max_vocabulary_sentences=400, **settings),
    )
    published = Published()
    service.bus.publish = lambda topic, message, **_: published.append((topic, message))  # type: ignore[method-assign]
    await service.setup()
    return service, published


async def heard(service: IntentService, text: str, session_id: str = "s1") -> None:
    """A session policy granted, and stt's transcript of it."""
    await service.on_session_started(
        topics.SESSION_STARTED.topic(SITE),
        events_pb2.SessionStarted(header=events.header("policy", SITE, session_id)),
    )
    await service.on_transcript(
        topics.TRANSCRIPT.topic(SITE),
        events_pb2.Transcript(
            header=events.header("stt", SITE, session_id, trace_id=f"trace-{session_id}"),
            text=text,
        ),
    )


def test_an_answer_is_said_at_its_site_in_its_session(tmp_path: Path) -> None:
    async def play() -> None:
        service, published = await started_service(tmp_path)
        await heard(service, "what time is it")
        await service.teardown()
        [recognized] = published.of(topics.INTENT_RECOGNIZED)
        [say] = published.of(topics.SAY)
        assert recognized.speech.startswith("It is ") and not recognized.continue_conversation
        assert say.text == recognized.speech and say.purpose == "answer" and say.say_id
        assert (say.header.site, say.header.session_id, say.header.trace_id) == (
            SITE,
            "s1",
            "trace-s1",
        )
        assert say.header.producer == "intent" and not say.chime
        assert not say.continue_conversation

    asyncio.run(play())


def test_not_recognised_is_said_only_when_words_were_heard(tmp_path: Path) -> None:
    async def play() -> None:
        service, published = await started_service(tmp_path)
        await heard(service, "open the pod bay doors", "s1")
        await heard(service, "", "s2")
        await service.teardown()
        assert len(published.of(topics.INTENT_NOT_RECOGNIZED)) == 2
        [say] = published.of(topics.SAY)
        assert (say.text, say.purpose, say.header.session_id) == (
            "Sorry, I didn't understand.",
            "not_recognized",
            "s1",
        )

    asyncio.run(play())


def test_not_recognised_can_be_silent(tmp_path: Path) -> None:
    async def play() -> None:
        service, published = await started_service(tmp_path, not_recognized_speech="")
        await heard(service, "open the pod bay doors")
        await service.teardown()
        assert published.of(topics.INTENT_NOT_RECOGNIZED) and not published.of(topics.SAY)

    asyncio.run(play())


def test_a_text_query_answers_without_speaking(tmp_path: Path) -> None:
    async def play() -> None:
        service, published = await started_service(tmp_path)
        match, response = await service.understand("what time is it", site=SITE, spoken=False)
        await service.teardown()
        assert match is not None and response is not None and response.speech
        assert published.of(topics.SAY) == []

    asyncio.run(play())


def test_an_answer_that_asks_back_continues_the_conversation(tmp_path: Path) -> None:
    async def play() -> None:
        service, published = await started_service(
            tmp_path, plugins=PluginSelection(enabled=("time", "privacy", "timer"))
        )
        await heard(service, "set a timer for five minutes", "s1")
        await heard(service, "set a pasta timer for ten minutes", "s2")
        await heard(service, "cancel the timer", "s3")
        await service.teardown()
        recognized = published.of(topics.INTENT_RECOGNIZED)
        says = published.of(topics.SAY)
        assert [r.continue_conversation for r in recognized] == [False, False, True], [
            (r.intent, r.speech) for r in recognized
        ]
        assert [s.continue_conversation for s in says] == [False, False, True]
        assert says[-1].text.endswith("Which one?") and says[-1].header.session_id == "s3"

    asyncio.run(play())


def test_a_timer_rings_aloud_until_the_wake_word_is_spoken_over_it(tmp_path: Path) -> None:
    """The real clock, the service's own plugin host: a one-second timer rings every two
    seconds until its ring is interrupted."""

    async def play() -> None:
        service, published = await started_service(
            tmp_path,
            plugins=PluginSelection(enabled=("time", "privacy", "timer")),
            plugin_settings={"timer": {"ring_interval_s": 2}},
        )
        try:
            await heard(service, "set an egg timer for one second")

            def rings() -> list[events_pb2.SayRequest]:
                return [s for s in published.of(topics.SAY) if s.purpose == "timer"]

            await published.wait_for(lambda: len(rings()) == 1)
            [ring] = rings()
            assert (ring.text, ring.chime) == ("The egg timer is done.", True)
            finished = topics.PLUGIN_EVENT.topic("timer", SITE, "finished")
            assert [topic for topic, _ in published].count(finished) == 1, "the event, once"
            await published.wait_for(lambda: len(rings()) == 2, timeout=4.0)
            await service.on_speech_finished(
                topics.SPEECH_FINISHED.topic(SITE),
                events_pb2.SpeechFinished(
                    header=events.header("audio", SITE),
                    say_id=rings()[-1].say_id,
                    outcome=events_pb2.SpeechFinished.OUTCOME_INTERRUPTED,
                    purpose="timer",
                ),
            )
            await asyncio.sleep(3.0)
            assert len(rings()) == 2, "acknowledged: it rings no more"
            await heard(service, "stop", "s2")
            assert published.of(topics.SAY)[-1].text == "Egg timer stopped."
        finally:
            await service.teardown()

    asyncio.run(play())


def test_a_finished_speech_from_an_unknown_site_is_rejected(tmp_path: Path) -> None:
    async def play() -> None:
        service, _ = await started_service(tmp_path)
        seen: list[object] = []
        service.runtime.observe_speech_finished = seen.append  # type: ignore[method-assign]
        await service.on_speech_finished(
            "hearth/v1/tts/garage/finished", events_pb2.SpeechFinished(say_id="x")
        )
        await service.teardown()
        assert seen == []

    asyncio.run(play())


def test_a_plugin_says_only_what_can_be_said(tmp_path: Path) -> None:
    """host.say checks before anything is published: the site, the length, the purpose."""

    async def play() -> None:
        service, published = await started_service(tmp_path)
        host = service.runtime.host("reminders")
        say_id = await host.say("office", "Time to stretch.", chime=True)
        for site, text, purpose, problem in [
            ("garage", "hello", "announcement", "unknown site 'garage'"),
            ("office", "", "announcement", "nothing to say"),
            ("office", "x" * (speech.MAX_SAY_CHARS + 1), "announcement", "at most 1000"),
            ("office", "hello", "answer", "purpose announcement or timer"),
        ]:
            with pytest.raises(ValueError, match=problem):
                await host.say(site, text, purpose=purpose)
        await service.teardown()
        [(topic, request)] = [(t, m) for t, m in published if t.startswith("hearth/v1/tts/")]
        assert topic == topics.SAY.topic("office")
        assert isinstance(request, events_pb2.SayRequest)
        assert (request.say_id, request.text, request.chime, request.purpose) == (
            say_id,
            "Time to stretch.",
            True,
            "announcement",
        )
        assert request.header.producer == "intent" and not request.header.session_id

    asyncio.run(play())
