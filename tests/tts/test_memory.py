"""The service's memory with one Piper voice: it goes back to its resting size after each answer
instead of growing (onnxruntime's arena shrunk after every run, synthesis on fixed threads). The
bounds are loose guards against a regression; bench/tts_latency.py measures the figures."""

from __future__ import annotations

from pathlib import Path

from tests.support import Broker
from tests.tts.running import start_tts, stop_tts

ANSWERS = (
    "It is 4:05 PM.",
    "I deleted what you said in the last five minutes.",
    "Timer set for ten minutes. I will ring in the kitchen.",
)
RESTING_MB = 215
PEAK_MB = 280


def test_memory_returns_to_its_resting_size_after_each_answer(
    broker: Broker, tmp_path: Path
) -> None:
    tts = start_tts(tmp_path, broker, cache_s=0)
    try:
        for _ in range(3):
            for text in ANSWERS:
                tts.synthesize(text, sample_rate=16000)
        resting, peak = tts.rss_mb()
    finally:
        stop_tts(tts)
    assert resting <= RESTING_MB, (resting, peak)
    assert peak <= PEAK_MB, (resting, peak)
