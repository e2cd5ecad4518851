"""The contract between the stt service and a speech-to-text engine.

The service owns sessions, gRPC and metrics; an engine owns a model and turns
16 kHz mono s16le PCM into text.  Keeping the contract this small lets the
service run any engine off the event loop the same way, and lets tests drive
an engine directly with synthesized speech.

Each engine module also exports an ``EngineSpec`` (its name, options type and loader) that the
registry (``registry.py``) hands out by name; errors are in ``errors.py``, the vocabulary helpers
engines share in ``sentences.py``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

SentenceScorer = Callable[[Sequence[str]], "list[float] | None"]
"""Log-probability of each given sentence as the transcript of one utterance's audio (higher is
likelier); None when the engine is too busy to say."""


@dataclass(frozen=True)
class Vocabulary:
    """What the intent service can understand: spoken-form sentences and their words."""

    language: str
    sentences: tuple[str, ...]
    words: tuple[str, ...]
    # The home's device and area names as spoken: open-vocabulary engines are told to expect them.
    names: tuple[str, ...] = ()
    # What each sentence means, in the sentences' order ("" when not known): sentences with the
    # same meaning do the same thing, so they are not rivals when choosing between sound-alikes.
    meanings: tuple[str, ...] = ()


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
    # Written freely rather than chosen from the vocabulary (Whisper): its confidence is the
    # engine's own, and its text still has to be snapped to a sentence Hearth acts on.
    open_vocabulary: bool = False
    # The engine that produced it, when an engine combines several (hybrid).
    engine: str = ""
    # Scores other sentences against this utterance's audio, so the closed-domain step can ask the
    # acoustic model which of two sound-alike sentences was said (Whisper); None otherwise.
    score: SentenceScorer | None = field(default=None, compare=False, repr=False)


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
    latency_objective_s: float = 0.3
    """End of speech → intent p95 a home should expect of this engine (the brief's 300 ms for the
    grammar engines; issue 13's 1 s for Whisper base on two cores). The latency alert compares
    against it, so a home on Whisper is not warned all day about the speed it chose."""
    scores_sentences: bool = False
    """Its final results can score vocabulary sentences against the audio (FinalResult.score)."""

    @abstractmethod
    def load(self) -> None: ...

    @abstractmethod
    def set_vocabulary(self, vocabulary: Vocabulary) -> VocabularyReport: ...

    @abstractmethod
    def open_utterance(self, lead_in_s: float = 0.0) -> Utterance:
        """A new utterance. Its first ``lead_in_s`` seconds are from before the session was asked
        for (the wake phrase's tail): speech there alone must not start the utterance, or the
        pause people make after the wake word ends it."""
