"""The contract between the stt service and a speech-to-text engine.

The service owns sessions, gRPC and metrics; an engine owns a model and turns
16 kHz mono s16le PCM into text.  Keeping the contract this small lets the
service run any engine off the event loop the same way, and lets tests drive
an engine directly with synthesized speech.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_RATE = 16000
SAMPLE_WIDTH = 2


@dataclass(frozen=True)
class Vocabulary:
    """What the intent service can understand: spoken-form sentences and their words."""

    language: str
    sentences: tuple[str, ...]
    words: tuple[str, ...]


@dataclass(frozen=True)
class VocabularyReport:
    accepted_words: int
    missing_words: tuple[str, ...]  # out of the model's lexicon: dropped, counted by the service


@dataclass(frozen=True)
class Update:
    partial: str | None
    end_of_speech: bool  # speech happened, then enough trailing silence


@dataclass(frozen=True)
class FinalResult:
    text: str
    confidence: float | None
    # Other hypotheses, best first (the chosen text is not repeated); lets the
    # intent matcher try a runner-up when the best one matches nothing.
    alternatives: tuple[str, ...] = ()


class Utterance(ABC):
    """One session's decoding state; used from one worker thread at a time."""

    @abstractmethod
    def accept(self, pcm: bytes) -> Update: ...

    @abstractmethod
    def finish(self) -> FinalResult: ...


class SttEngine(ABC):
    """A loaded model; ``open_utterance`` is thread-safe and cheap."""

    name: str
    language: str
    mode: str  # "grammar" or "open"

    @abstractmethod
    def load(self) -> None: ...

    @abstractmethod
    def set_vocabulary(self, vocabulary: Vocabulary) -> VocabularyReport: ...

    @abstractmethod
    def open_utterance(self) -> Utterance: ...


class SttError(Exception):
    """An engine could not do what was asked; the message is meant for the home-server owner."""


MODES = ("grammar", "open")


@dataclass(frozen=True)
class EngineOptions:
    language: str
    mode: str = "grammar"
    model_dir: Path | None = None
    end_silence_s: float = 0.6
    # How many hypotheses to ask the decoder for; in grammar mode the best one
    # that is exactly a vocabulary sentence wins (the decoders' "grammars" are
    # backoff n-grams that also allow word sequences no template accepts).
    max_alternatives: int = 10
    # Extra places `resolve_vosk_model` may look, after model_dir.
    data_dir: Path | None = None
    # Decoders kept ready so that opening an utterance is instant.
    pool_size: int = 2

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"stt mode must be one of {MODES}, got {self.mode!r}")
        if not 0.1 <= self.end_silence_s <= 10.0:
            raise ValueError(
                f"stt end_silence_s must be between 0.1 and 10 seconds, got {self.end_silence_s}"
            )
        if self.max_alternatives < 0:
            raise ValueError(
                f"stt max_alternatives must not be negative, got {self.max_alternatives}"
            )


def normalise_sentence(sentence: str) -> str:
    """Collapse whitespace and case so vocabulary comparisons are exact but forgiving."""
    return " ".join(sentence.lower().split())


def choose_in_vocabulary(
    hypotheses: Sequence[str], sentences: Iterable[str]
) -> tuple[str, tuple[str, ...]]:
    """Prefer the best hypothesis that is a whole vocabulary sentence.

    Returns the chosen text and the remaining hypotheses (deduplicated, best first).
    When none is in the vocabulary, the best hypothesis stays first, so
    out-of-domain speech still comes out as something no template accepts.
    """
    ordered: list[str] = []
    for hyp in hypotheses:
        norm = normalise_sentence(hyp)
        if norm not in ordered:
            ordered.append(norm)
    if not ordered:
        return "", ()
    known = set(sentences)
    chosen = next((h for h in ordered if h in known), ordered[0])
    return chosen, tuple(h for h in ordered if h != chosen)


def posterior(chosen_score: float, scores: Sequence[float]) -> float | None:
    """The share of the n-best probability mass (log-domain scores) held by the chosen one."""
    if not scores:
        return None
    top = max(scores)
    total = sum(math.exp(s - top) for s in scores)
    return math.exp(chosen_score - top) / total


def create_engine(name: str, options: EngineOptions) -> SttEngine:
    """Build (but do not load) the named engine; imports stay lazy so one engine's library may be absent."""
    if name == "vosk":
        from hearth_stt.engines.vosk_engine import VoskEngine

        return VoskEngine(options)
    if name == "pocketsphinx":
        from hearth_stt.engines.pocketsphinx_engine import PocketsphinxEngine

        return PocketsphinxEngine(options)
    raise ValueError(f"unknown stt engine {name!r}: choose 'vosk' or 'pocketsphinx'")


def vocabulary_report(
    vocabulary: Vocabulary, in_lexicon: Callable[[str], bool]
) -> VocabularyReport:
    """Which of the vocabulary's words the model can say; the others are dropped and reported."""
    words = sorted({w for s in vocabulary.sentences for w in s.split()} | set(vocabulary.words))
    missing = tuple(w for w in words if not in_lexicon(w))
    return VocabularyReport(accepted_words=len(words) - len(missing), missing_words=missing)


def speakable_sentences(vocabulary: Vocabulary, missing: Iterable[str]) -> list[str]:
    """The sentences with unsayable words removed, lowercased, deduplicated, in their original order."""
    dropped = set(missing)
    kept = (
        " ".join(w for w in s.lower().split() if w not in dropped) for s in vocabulary.sentences
    )
    return list(dict.fromkeys(s for s in kept if s))
