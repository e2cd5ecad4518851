"""Whisper recognition (faster-whisper, CTranslate2): open vocabulary, for voices the grammar
engines do not understand.

Whisper reads a whole utterance at once, so ``accept`` only buffers audio and watches for the end of
speech (``endpointer``); ``finish`` decodes. Every decode is independent: greedy by default, no
previous text, no timestamps, no fallback to higher temperatures (a fallback re-decodes up to five
times, and an utterance that needs one is too unsure to act on anyway), so no state carries from one
utterance to the next. One decode runs at a time per engine and at most ``max_waiting_decodes``
wait; an utterance beyond that comes out empty, which the service treats as "not recognised".

The vocabulary's names (the home's devices and areas) seed Whisper's prompt, so they are spelled as
the home spells them. The prompt is one sentence, "Hestia controls the bedroom, the kitchen light
and the office fan.": Whisper continues the prompt's style, and a bare list of names made it write
lists ("kitchen light" for espeak-ng's "turn on the kitchen light"), while whole commands in the
prompt were copied into transcripts ("set a timer for five minutes" for "nine minutes"). Measured
on espeak-ng and Piper commands through the standard conditions (112 utterances, seed 29): the list
75 right, no prompt 81, this sentence 89 (docs/benchmarks.md). A prompt can still leak into the
transcript, so a transcript that reproduces two prompt names in a row is dropped.

A result's ``score`` is the other way round: given sentences (the vocabulary sentences nearest to
its transcript), it gives Whisper's log-probability of each as the transcript of the same audio,
so the closed-domain step can ask the acoustic model which of two sound-alike commands was said
instead of trusting the spelling of one greedy transcript. It reads only the encoder frames that
hold the utterance (and a second after), about five times faster than attending to the whole 30 s
window, and scores without the prompt (three times faster again, as accurate): 0.14 s p50 for 17
sentences on 2 cores. It takes its turn in the decode queue.

Confidence: the probability of the transcript's tokens, ``exp`` of their mean log-probability,
times ``1 - no_speech_prob`` (Whisper's own belief that the window holds speech). It lies in 0..1;
a later step compares it with a calibrated threshold when the transcript is not scored.

One encode per utterance: the transcript is decoded from the prompt by CTranslate2 directly (what
faster-whisper's ``transcribe`` does for one window, without its fallbacks), and the encoding is
kept with the result so the closed-domain step can have sentences scored against it
(``FinalResult.score``) without encoding the audio again.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hearth.pcm import BYTES_PER_SECOND
from hearth.registry import EngineSpec
from hearth.whisper import (
    Encoded,
    WhisperLanguageError,
    comparable,
    encode,
    greedy_transcript,
    load_model,
    score_sentences,
    tokenizer_for,
)
from hearth_stt.engines.base import (
    FinalResult,
    SttEngine,
    Update,
    Utterance,
    Vocabulary,
    VocabularyReport,
)
from hearth_stt.engines.endpointer import VadEndpointer
from hearth_stt.engines.errors import SttError
from hearth_stt.engines.options import RecognitionOptions
from hearth_stt.engines.sentences import vocabulary_report
from hearth_stt.stt_metrics import DECODES_REFUSED

log = logging.getLogger(__name__)

COMPUTE_TYPES = ("int8", "int8_float32", "int16", "float32")
EMPTY = FinalResult(text="", confidence=None)
MAX_WINDOW_S = 29.0
"""Whisper reads one 30 s window (with the lead-in); the policy's session limit (10 s by default,
60 s at most) keeps commands shorter, and a longer utterance is cut to its start, not lost."""
MAX_WINDOW_BYTES = int(MAX_WINDOW_S * BYTES_PER_SECOND)
MAX_NEW_TOKENS = 128
"""A spoken command never needs more; a hallucinated run-on is cut here."""
_LIST_WORDS = frozenset({"the", "and"})


@dataclass(frozen=True)
class WhisperOptions(RecognitionOptions):
    # A faster-whisper model directory (hearth.models.resolve_whisper_model finds one).
    model_dir: Path | None = None
    beam_size: int = 1
    threads: int = 2
    compute_type: str = "int8"
    max_waiting_decodes: int = 4
    # Who the prompt says controls the home's devices: the name the wake phrase calls the assistant.
    assistant_name: str = "Hestia"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.beam_size < 1:
            raise ValueError(f"whisper beam_size must be at least 1, got {self.beam_size}")
        if self.threads < 1:
            raise ValueError(f"whisper threads must be at least 1, got {self.threads}")
        if self.compute_type not in COMPUTE_TYPES:
            raise ValueError(
                f"whisper compute_type must be one of {COMPUTE_TYPES}, got {self.compute_type!r}"
            )
        if self.max_waiting_decodes < 0:
            raise ValueError(
                f"whisper max_waiting_decodes must not be negative, got {self.max_waiting_decodes}"
            )


def prompt_leaked(transcript: str, prompt_names: Sequence[str]) -> bool:
    """The transcript holds two of the prompt's names in the prompt's order, with nothing but
    "the" and "and" between them, or is the prompt's list of names itself."""
    words = [w for w in comparable(transcript).split() if w not in _LIST_WORDS]
    said = f" {' '.join(words)} "
    names = [comparable(n) for n in prompt_names if comparable(n)]
    if not names or said.strip() == "":
        return False
    if said.strip() == " ".join(names):
        return True
    return any(f" {first} {second} " in said for first, second in itertools.pairwise(names))


def prompt_of(names: Sequence[str], assistant_name: str = "Hestia") -> str | None:
    """One sentence that names the home's devices and areas (see the module docstring for why a
    sentence): "Hestia controls the kitchen, the kitchen light and the office fan."."""
    things = [f"the {name}" for name in names]
    if not things:
        return None
    listed = things[0] if len(things) == 1 else f"{', '.join(things[:-1])} and {things[-1]}"
    return f"{assistant_name} controls {listed}."


class DecodeQueue:
    """One decode at a time; at most ``max_waiting`` more wait, the rest are refused at once."""

    def __init__(self, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self._count_lock = threading.Lock()
        self._admitted = 0  # decoding plus waiting
        self._running = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Yields True while this caller holds the decoder, False when it was refused."""
        with self._count_lock:
            if self._admitted > self.max_waiting:
                admitted = False
            else:
                self._admitted += 1
                admitted = True
        if not admitted:
            yield False
            return
        try:
            with self._running:
                yield True
        finally:
            with self._count_lock:
                self._admitted -= 1


class WhisperUtterance(Utterance):
    """Buffers one utterance until its end; decodes it in ``finish``."""

    def __init__(self, engine: WhisperEngine, lead_in_s: float = 0.0) -> None:
        self._engine = engine
        self._endpointer = VadEndpointer(engine.options.end_silence_s, lead_in_s)
        self._audio = bytearray()
        self._done = False

    def accept(self, pcm: bytes) -> Update:
        if self._done:
            raise SttError("this utterance is finished; open a new one")
        if not self._endpointer.ended:
            self._audio += pcm
            self._endpointer.feed(pcm)
        return Update(partial=None, end_of_speech=self._endpointer.ended)

    def finish(self) -> FinalResult:
        if self._done:
            raise SttError("this utterance is already finished")
        self._done = True
        if not self._endpointer.speech_started:
            return EMPTY  # Whisper makes up text ("Thank you.") for silence: do not ask it
        return self._engine.decode(bytes(self._audio))


class WhisperEngine(SttEngine):
    name = "whisper"
    latency_objective_s = 1.0
    scores_sentences = True

    def __init__(self, options: WhisperOptions) -> None:
        self.options = options
        self.language = options.language
        self.mode = options.mode
        self.queue = DecodeQueue(options.max_waiting_decodes)
        self._model: Any | None = None
        self._prompt_names: tuple[str, ...] = ()

    def load(self) -> None:
        if self.options.model_dir is None:
            raise SttError("the whisper engine needs a model directory (options.model_dir)")
        try:
            self._model = load_model(
                self.options.model_dir,
                self.language,
                compute_type=self.options.compute_type,
                threads=self.options.threads,
            )
        except WhisperLanguageError as exc:
            raise SttError(str(exc)) from exc
        log.info(
            "whisper loaded from %s (%s, %d threads, beam %d)",
            self.options.model_dir,
            self.options.compute_type,
            self.options.threads,
            self.options.beam_size,
        )

    @property
    def prompt_names(self) -> tuple[str, ...]:
        """The names the prompt lists: the vocabulary's."""
        return self._prompt_names

    @property
    def prompt(self) -> str | None:
        return prompt_of(self._prompt_names, self.options.assistant_name)

    def set_vocabulary(self, vocabulary: Vocabulary) -> VocabularyReport:
        """Seed the prompt with the home's names; Whisper has no lexicon, so nothing is missing."""
        names = vocabulary.names
        self._prompt_names = tuple(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
        return vocabulary_report(vocabulary, lambda _word: True)

    def open_utterance(self, lead_in_s: float = 0.0) -> Utterance:
        if self._model is None:
            raise SttError("the whisper engine is not loaded yet; call load() first")
        return WhisperUtterance(self, lead_in_s)

    def decode(self, pcm: bytes) -> FinalResult:
        """Decode one utterance (blocking), or refuse it when too many are waiting."""
        with self.queue.slot() as admitted:
            if not admitted:
                self._refuse("this utterance is dropped")
                return EMPTY
            return self._transcribe(pcm)

    def _queued_score(self, encoded: Encoded, sentences: Sequence[str]) -> list[float] | None:
        """``_score`` in the decode queue, so scoring and decodes never compete for the cores;
        None (not recognised) when too many are waiting."""
        with self.queue.slot() as admitted:
            if not admitted:
                self._refuse("this utterance's sentences are not scored")
                return None
            return self._score(encoded, sentences)

    def _refuse(self, what: str) -> None:
        """Count and log work the full decode queue turned away (the command is not recognised)."""
        DECODES_REFUSED.inc()
        log.warning(
            "whisper: %d decodes already waiting; %s and it is not recognised (see "
            "hearth_stt_decodes_refused_total, stt.max_waiting_decodes)",
            self.queue.max_waiting,
            what,
        )

    def _tokenizer(self) -> Any:
        assert self._model is not None
        return tokenizer_for(self._model, self.language)

    def _start(self, tokenizer: Any, names: Sequence[str]) -> list[int]:
        """The decoder's start: the prompt as previous text, then the task tokens."""
        start = list(tokenizer.sot_sequence)
        prompt = prompt_of(names, self.options.assistant_name)
        if prompt:
            start = [tokenizer.sot_prev, *tokenizer.encode(" " + prompt), *start]
        return start

    def _score(self, encoded: Encoded, sentences: Sequence[str]) -> list[float]:
        """Each sentence's log-probability as the transcript, without the prompt: the prompt
        decides how Whisper spells, which the vocabulary already does, and scoring 42 more tokens
        per sentence tripled the time for no better choice (docs/benchmarks.md)."""
        assert self._model is not None
        return score_sentences(self._model, self._tokenizer(), encoded, sentences)

    def _transcribe(self, pcm: bytes) -> FinalResult:
        """Encode once, decode greedily from the prompt, and keep the encoding so the closed-domain
        step can have sentences scored against it (``FinalResult.score``) at no second encode."""
        assert self._model is not None
        if len(pcm) > MAX_WINDOW_BYTES:
            log.warning(
                "whisper: an utterance of %.1f s is cut to its first %.0f s (Whisper reads one "
                "window)",
                len(pcm) / BYTES_PER_SECOND,
                MAX_WINDOW_S,
            )
            pcm = pcm[:MAX_WINDOW_BYTES]
        names = self._prompt_names  # read once: set_vocabulary may replace it meanwhile
        encoded = encode(self._model, pcm)
        tokenizer = self._tokenizer()
        heard = greedy_transcript(
            self._model,
            tokenizer,
            encoded,
            self._start(tokenizer, names),
            beam_size=self.options.beam_size,
            max_length=MAX_NEW_TOKENS,
        )
        text = heard.text
        if not text:
            return EMPTY
        if prompt_leaked(text, names):
            log.warning("whisper: the transcript repeats the prompt's names; dropped")
            return EMPTY
        confidence = math.exp(heard.mean_logprob) * (1.0 - heard.no_speech_prob)
        return FinalResult(
            text=text,
            confidence=confidence,
            open_vocabulary=True,
            engine="whisper",
            score=functools.partial(self._queued_score, encoded),
        )


def load_engine(options: WhisperOptions) -> WhisperEngine:
    """Build and load the engine (blocking: reads the model)."""
    engine = WhisperEngine(options)
    engine.load()
    return engine


WHISPER = EngineSpec(name="whisper", options_type=WhisperOptions, load=load_engine)
