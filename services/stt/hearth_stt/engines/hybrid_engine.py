"""The `hybrid` engine: a grammar engine first, Whisper when the grammar engine is not sure.

A grammar engine (pocketsphinx, or Vosk with any model) decodes while the command is spoken and
answers a few milliseconds after its end, but it forces whatever it hears onto the vocabulary. When
its answer's confidence is above ``min_fast_confidence`` (calibrated on the development set so that
the fast path makes no wrong action: docs/benchmarks.md) that answer is used at once; otherwise the
same audio, buffered all along, is decoded by Whisper and goes through the usual snapping. The share
of commands that take the fast path is counted (`hearth_stt_fast_path_total`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from hearth.registry import EngineSpec
from hearth_stt import stt_metrics
from hearth_stt.engines.base import (
    FinalResult,
    SttEngine,
    Update,
    Utterance,
    Vocabulary,
    VocabularyReport,
)
from hearth_stt.engines.errors import SttError
from hearth_stt.engines.options import RecognitionOptions
from hearth_stt.engines.whisper_engine import WhisperOptions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HybridOptions(RecognitionOptions):
    # The grammar engine of the fast path and its options (pocketsphinx or vosk).
    fast_engine: str = "pocketsphinx"
    fast_options: RecognitionOptions | None = None
    # Whisper, when the fast path is not sure.
    whisper_options: WhisperOptions | None = None
    # The grammar result is used when its confidence (0..1) is above this (1.0: never).
    min_fast_confidence: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.fast_options is None or self.whisper_options is None:
            raise ValueError("the hybrid engine needs fast_options and whisper_options")
        if not 0.0 <= self.min_fast_confidence <= 1.0:
            raise ValueError(
                f"min_fast_confidence must be between 0 and 1, got {self.min_fast_confidence}"
            )


class HybridUtterance(Utterance):
    """Feeds both engines; the fast one decodes as it goes, Whisper only buffers."""

    def __init__(self, engine: HybridEngine, lead_in_s: float = 0.0) -> None:
        self._engine = engine
        self._fast = engine.fast.open_utterance(lead_in_s)
        self._slow = engine.slow.open_utterance(lead_in_s)

    def accept(self, pcm: bytes) -> Update:
        fast = self._fast.accept(pcm)
        slow = self._slow.accept(pcm)
        return Update(partial=fast.partial, end_of_speech=fast.end_of_speech or slow.end_of_speech)

    def finish(self) -> FinalResult:
        fast = self._fast.finish()
        sure = fast.text and (fast.confidence or 0.0) > self._engine.min_fast_confidence
        if sure:
            stt_metrics.FAST_PATH.labels(self._engine.fast.name).inc()
            return FinalResult(
                fast.text, fast.confidence, fast.alternatives, engine=self._engine.fast.name
            )
        stt_metrics.FAST_PATH.labels(self._engine.slow.name).inc()
        return self._slow.finish()


class HybridEngine(SttEngine):
    name = "hybrid"
    latency_objective_s = 1.0  # the p95 is Whisper's: the commands the fast path was unsure of
    scores_sentences = True  # Whisper's results do, when the fast path was unsure

    def __init__(self, options: HybridOptions, fast: SttEngine, slow: SttEngine) -> None:
        self.options = options
        self.language = options.language
        self.mode = "grammar"
        self.fast = fast
        self.slow = slow
        self.min_fast_confidence = options.min_fast_confidence

    def load(self) -> None:
        """Both engines are loaded by `load_engine`."""

    def set_vocabulary(self, vocabulary: Vocabulary) -> VocabularyReport:
        self.slow.set_vocabulary(vocabulary)
        return self.fast.set_vocabulary(vocabulary)

    def open_utterance(self, lead_in_s: float = 0.0) -> Utterance:
        return HybridUtterance(self, lead_in_s)


def load_engine(options: HybridOptions) -> HybridEngine:
    """Load the fast engine and Whisper (blocking: reads both models)."""
    from hearth_stt.engines.registry import STT_ENGINES

    if options.fast_engine not in ("pocketsphinx", "vosk"):
        raise SttError(
            f"the hybrid engine's fast path is a grammar engine, not {options.fast_engine}"
        )
    fast_options: Any = options.fast_options
    fast = STT_ENGINES.get(options.fast_engine).load(fast_options)
    slow = STT_ENGINES.get("whisper").load(options.whisper_options)
    log.info(
        "hybrid: %s first, whisper below confidence %.2f", fast.name, options.min_fast_confidence
    )
    return HybridEngine(options, fast, slow)


HYBRID: EngineSpec[HybridOptions, SttEngine] = EngineSpec("hybrid", HybridOptions, load_engine)
