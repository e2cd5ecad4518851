"""stt reads each vocabulary sentence's meaning from the intent service's event, and a table that
does not fit its sentences is refused with a log line and a metric (sentences are then compared by
their words: fewer commands understood, never a wrong one)."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from hearth.settings import CommonSettings
from hearth.v1 import events_pb2
from hearth_stt.service import SttService
from hearth_stt.settings import SttSettings

SENTENCES = (
    "turn on the kitchen light",
    "turn on the kitchen lights",
    "turn off the kitchen light",
)


def _service() -> SttService:
    return SttService(CommonSettings(sites=("kitchen",)), SttSettings())


def _rejected() -> float:
    labels = {"service": "stt", "kind": "vocabulary", "reason": "bad_meanings"}
    return REGISTRY.get_sample_value("hearth_messages_rejected_total", labels) or 0.0


def test_each_sentence_gets_its_meaning_from_the_table() -> None:
    message = events_pb2.Vocabulary(
        sentences=SENTENCES, meaning_of=[0, 0, 1], meanings=["on kitchen", "off kitchen"]
    )
    assert _service().meanings_of(message) == ("on kitchen", "on kitchen", "off kitchen")


@pytest.mark.parametrize(
    ("meaning_of", "meanings"),
    [([0, 0], ["on"]), ([0, 0, 2], ["on", "off"])],
    ids=["a sentence without a meaning", "a meaning beyond the table"],
)
def test_a_table_that_does_not_fit_is_refused_and_counted(
    meaning_of: list[int], meanings: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    before = _rejected()
    message = events_pb2.Vocabulary(sentences=SENTENCES, meaning_of=meaning_of, meanings=meanings)
    assert _service().meanings_of(message) == ()
    assert _rejected() == before + 1
    assert "vocabulary meanings do not fit its sentences" in caplog.text
    assert "kitchen" not in caplog.text


def test_a_vocabulary_without_meanings_is_compared_by_words() -> None:
    assert _service().meanings_of(events_pb2.Vocabulary(sentences=SENTENCES)) == ()
