"""Fixtures of the tts tests: one real service per module (tests/tts/running.py starts it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support import Broker
from tests.tts.running import RunningTts, start_tts, stop_tts


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    tmp = tmp_path_factory.mktemp("tts-broker")
    running = Broker(tmp, satellites=("kitchen",))
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def tts(broker: Broker, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTts]:
    tmp = tmp_path_factory.mktemp("tts")
    running = start_tts(tmp, broker, max_text_chars=300)
    yield running
    stop_tts(running)
