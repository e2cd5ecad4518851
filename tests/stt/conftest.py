"""Fixtures for the stt engine tests; helpers live in tests/stt/speech.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest

from tests.stt.speech import synthesize


@pytest.fixture(scope="session")
def speech() -> Callable[[str, str], bytes]:
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.fail(
            "espeak-ng and sox are needed to synthesize test speech (apt-get install espeak-ng sox)"
        )
    cache: dict[tuple[str, str], bytes] = {}

    def make(text: str, voice: str) -> bytes:
        if (text, voice) not in cache:
            cache[(text, voice)] = synthesize(text, voice)
        return cache[(text, voice)]

    return make
