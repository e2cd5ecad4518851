"""stt never publishes a transcript longer than events.MAX_TRANSCRIPT_CHARS: whatever an engine
produces (a stuck decoder, a looping Whisper), what goes on the broker is bounded."""

from __future__ import annotations

from dataclasses import dataclass

from hearth import events
from hearth.settings import CommonSettings
from hearth_stt.engines.base import FinalResult
from hearth_stt.service import SttService
from hearth_stt.settings import SttSettings


@dataclass
class OpenEngine:
    name: str = "fake"
    language: str = "en"
    mode: str = "open"


def test_a_transcript_longer_than_the_cap_is_cut() -> None:
    service = SttService(CommonSettings(sites=("kitchen",)), SttSettings(mode="open"))
    service.engine = OpenEngine()  # type: ignore[assignment]
    looping = "turn on the light " * 500
    understood = service.understand(FinalResult(looping, 0.9))
    assert 0 < len(understood.text) <= events.MAX_TRANSCRIPT_CHARS
    assert looping.startswith(understood.text)
    short = service.understand(FinalResult("turn on the light", 0.9))
    assert short.text == "turn on the light"
