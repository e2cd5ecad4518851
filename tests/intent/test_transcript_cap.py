"""intent refuses a transcript longer than events.MAX_TRANSCRIPT_CHARS (stt never sends one, so
it is forged or broken): a log line and a metric, and nothing is matched or published."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import REGISTRY

from hearth import events, topics
from hearth.settings import CommonSettings
from hearth.v1 import events_pb2
from hearth_intent.service import IntentService
from hearth_intent.settings import IntentSettings


def _rejected() -> float:
    labels = {"service": "intent", "kind": "transcript", "reason": "too_long"}
    return REGISTRY.get_sample_value("hearth_messages_rejected_total", labels) or 0.0


def test_an_overlong_transcript_is_refused(caplog: pytest.LogCaptureFixture) -> None:
    service = IntentService(CommonSettings(sites=("kitchen",)), IntentSettings())
    published: list[str] = []
    service.bus.publish = lambda topic, *_, **__: published.append(topic)  # type: ignore[method-assign]
    before = _rejected()
    text = "delete everything " * (events.MAX_TRANSCRIPT_CHARS // 10)
    transcript = events_pb2.Transcript(header=events.header("stt", site="kitchen"), text=text)
    asyncio.run(service.on_transcript(topics.TRANSCRIPT.topic("kitchen"), transcript))
    assert _rejected() == before + 1
    assert published == []
    assert "characters" in caplog.text and "delete everything" not in caplog.text
