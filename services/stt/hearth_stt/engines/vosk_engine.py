"""Vosk (Kaldi) streaming recognition with runtime closed-domain grammars.

Vosk turns a grammar (a JSON list of phrases) into a bigram with a fixed 0.5
backoff, so it also accepts word sequences no template produces, and it drops
words its lexicon lacks with only a log line.  This engine therefore checks
every vocabulary word against the model's lexicon up front, and asks for an
n-best list so the best hypothesis that is a whole vocabulary sentence wins.

Vosk 0.3.45 has no API to change endpointing, so the model is opened through
an overlay directory whose ``conf/model.conf`` carries the configured trailing
silence (everything else is symlinked to the real model).

The overlay's ``conf/mfcc.conf`` also turns Kaldi's feature dither off, and the
engine adds the same amount of noise itself from a generator seeded afresh for
every utterance.  Kaldi draws its dither from a random seed, so the same audio
could be heard as different commands from one session to the next (a command
near a decision boundary came out right nine times in ten); the models were
trained with dither, so it cannot simply be dropped (digital silence without
it gives features they never saw, and confidence fell from about 0.77 to 0.13).
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hearth.models import resolve_vosk_model
from hearth.pcm import SAMPLE_RATE
from hearth.registry import EngineSpec
from hearth_stt.engines.base import (
    FinalResult,
    SttEngine,
    Update,
    Utterance,
    Vocabulary,
    VocabularyReport,
)
from hearth_stt.engines.endpointer import MIN_SPEECH_S
from hearth_stt.engines.errors import SttError
from hearth_stt.engines.options import RecognitionOptions
from hearth_stt.engines.sentences import (
    choose_in_vocabulary,
    normalise_sentence,
    posterior,
    speakable_sentences,
    vocabulary_report,
)

log = logging.getLogger(__name__)

UNK = "[unk]"
_RULE = re.compile(r"^--endpoint\.rule(\d)\.min-trailing-silence=([0-9.]+)\s*$")
_DEFAULT_RULE2 = 0.5
_DITHER = re.compile(r"^--dither=")
DITHER_LSB = 1.0
"""Kaldi's default dither: Gaussian noise of this standard deviation, in 16-bit sample steps."""
DITHER_SEED = 0
"""Every utterance's dither starts from this seed, so the same audio is always heard the same."""


@dataclass(frozen=True)
class VoskOptions(RecognitionOptions):
    # A model directory or a directory of models (see `resolve_vosk_model`), searched first.
    model_dir: Path | None = None
    # Extra place `resolve_vosk_model` may look, after model_dir and pip-installed models.
    data_dir: Path | None = None


def scaled_endpoint_conf(text: str, end_silence_s: float) -> str:
    """Scale rules 2-4 (trailing silence after speech) so rule 2 equals ``end_silence_s``.

    Rule 1 (silence with nothing decoded) is left alone: it ends empty sessions,
    which the service times out anyway.
    """
    rule2 = _DEFAULT_RULE2
    for line in text.splitlines():
        m = _RULE.match(line)
        if m and m.group(1) == "2":
            rule2 = float(m.group(2))
    scale = end_silence_s / rule2
    out: list[str] = []
    seen: set[str] = set()
    for line in text.splitlines():
        m = _RULE.match(line)
        if m and m.group(1) in ("2", "3", "4"):
            seen.add(m.group(1))
            line = (
                f"--endpoint.rule{m.group(1)}.min-trailing-silence={float(m.group(2)) * scale:.3f}"
            )
        out.append(line)
    defaults = {"2": 0.5, "3": 1.0, "4": 2.0}
    for rule, value in defaults.items():
        if rule not in seen:
            out.append(f"--endpoint.rule{rule}.min-trailing-silence={value * scale:.3f}")
    return "\n".join(out) + "\n"


def undithered_feature_conf(text: str) -> str:
    """``mfcc.conf`` with Kaldi's own (randomly seeded) dither turned off: `SeededDither` adds
    it instead."""
    kept = [line for line in text.splitlines() if not _DITHER.match(line.strip())]
    return "\n".join([*kept, "--dither=0.0"]) + "\n"


def _overlay_model(model: Path, end_silence_s: float, into: Path) -> Path:
    """A view of ``model`` with rewritten conf/model.conf and conf/mfcc.conf; the rest is
    symlinked."""
    for child in model.iterdir():
        if child.name != "conf":
            (into / child.name).symlink_to(child.resolve())
    conf = into / "conf"
    conf.mkdir()
    original = model / "conf"
    rewritten = {"model.conf", "mfcc.conf"}
    if original.is_dir():
        for child in original.iterdir():
            if child.name not in rewritten:
                (conf / child.name).symlink_to(child.resolve())
    source = original / "model.conf"
    text = source.read_text(encoding="utf-8") if source.is_file() else ""
    (conf / "model.conf").write_text(scaled_endpoint_conf(text, end_silence_s), encoding="utf-8")
    features = original / "mfcc.conf"
    if features.is_file():
        text = features.read_text(encoding="utf-8")
        (conf / "mfcc.conf").write_text(undithered_feature_conf(text), encoding="utf-8")
    else:
        log.warning("vosk model %s has no conf/mfcc.conf: Kaldi's random dither stays on", model)
    return into


class SeededDither:
    """Kaldi's dither, drawn from a fixed seed: one per utterance, so a decode is repeatable."""

    def __init__(self, seed: int = DITHER_SEED, lsb: float = DITHER_LSB) -> None:
        self._rng = np.random.default_rng(seed)
        self._lsb = lsb

    def apply(self, pcm: bytes) -> bytes:
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype=np.int16).astype(np.float32)
        samples += self._rng.standard_normal(samples.size, dtype=np.float32) * self._lsb
        return np.clip(np.rint(samples), -32768, 32767).astype(np.int16).tobytes()


class _Grammar:
    """One vocabulary, compiled for Vosk; a new instance replaces the old atomically."""

    def __init__(self, sentences: tuple[str, ...], grammar_json: str | None) -> None:
        self.sentences = frozenset(sentences)
        self.json = grammar_json


class VoskUtterance(Utterance):
    """One session's speech. Vosk ends an utterance itself, after a decoded word and enough
    trailing silence; a word decoded from the wake phrase's tail in the lead-in followed by the
    pause people make after the wake word would end it before the command, so such an end is set
    aside (`_is_wake_tail`) and decoding goes on."""

    def __init__(self, recognizer: Any, grammar: _Grammar, lead_in_s: float) -> None:
        self._rec = recognizer
        self._grammar = grammar
        self._lead_in_s = lead_in_s
        self._endpoint_result: dict | None = None
        self._wake_tail_result: dict | None = None
        self._dither = SeededDither()
        self._done = False

    def accept(self, pcm: bytes) -> Update:
        if self._done:
            raise SttError("this utterance is finished; open a new one")
        if self._endpoint_result is not None:
            return Update(partial=None, end_of_speech=True)
        if self._rec.AcceptWaveform(self._dither.apply(pcm)):
            result = json.loads(self._rec.Result())
            if not _texts(result):
                return Update(partial=None, end_of_speech=False)  # only silence so far
            if self._wake_tail_result is None and self._is_wake_tail(result):
                self._wake_tail_result = result
                return Update(partial=None, end_of_speech=False)
            self._endpoint_result = result
            return Update(partial=None, end_of_speech=True)
        partial = json.loads(self._rec.PartialResult()).get("partial") or None
        return Update(partial=partial, end_of_speech=False)

    def _is_wake_tail(self, result: dict) -> bool:
        """Whether every word heard ended within the lead-in (or MIN_SPEECH_S past it, as
        `VadEndpointer` allows): then it was the wake phrase's tail, not the command."""
        ends = [float(word["end"]) for word in _words(result)]
        return bool(ends) and max(ends) <= self._lead_in_s + MIN_SPEECH_S

    def finish(self) -> FinalResult:
        if self._done:
            raise SttError("this utterance is already finished")
        self._done = True
        result = self._endpoint_result or json.loads(self._rec.FinalResult())
        if not _texts(result) and self._wake_tail_result is not None:
            result = self._wake_tail_result  # nothing after it: keep what the lead-in held
        return _final(result, self._grammar)


def _words(result: dict) -> list[dict]:
    """The best hypothesis's words with their times (the recognizer is asked for them)."""
    best = result["alternatives"][0] if result.get("alternatives") else result
    return [word for word in best.get("result", ()) if word.get("word") != UNK]


def _texts(result: dict) -> list[tuple[str, float]]:
    """(text, score) pairs from a Vosk result, with or without alternatives; [unk] dropped."""
    if "alternatives" in result:
        pairs = [
            (a.get("text", ""), float(a.get("confidence", 0.0))) for a in result["alternatives"]
        ]
    else:
        pairs = [(result.get("text", ""), 0.0)]
    cleaned = [(" ".join(w for w in t.split() if w != UNK), s) for t, s in pairs]
    return [(t, s) for t, s in cleaned if t]


def _final(result: dict, grammar: _Grammar) -> FinalResult:
    pairs = _texts(result)
    if not pairs:
        return FinalResult(text="", confidence=None)
    texts = [t for t, _ in pairs]
    if grammar.json is not None:
        chosen, rest = choose_in_vocabulary(texts, grammar.sentences)
    else:
        chosen, rest = normalise_sentence(texts[0]), tuple(normalise_sentence(t) for t in texts[1:])
    scores = [s for _, s in pairs]
    chosen_score = next(s for t, s in pairs if normalise_sentence(t) == chosen)
    confidence = posterior(chosen_score, scores) if "alternatives" in result else None
    return FinalResult(text=chosen, confidence=confidence, alternatives=rest)


class VoskEngine(SttEngine):
    name = "vosk"

    def __init__(self, options: VoskOptions) -> None:
        self.options = options
        self.language = options.language
        self.mode = options.mode
        self._model: Any | None = None
        self._vosk: Any = None  # the vosk module, imported by load()
        self._grammar = _Grammar((), None)
        self.vocabulary: Vocabulary | None = None
        self.model_path: Path | None = None

    def load(self) -> None:
        import vosk  # heavy: loads the shared library

        vosk.SetLogLevel(-1)
        self._vosk = vosk
        self.model_path = resolve_vosk_model(
            self.language, self.options.model_dir, self.options.data_dir
        )
        overlay = tempfile.TemporaryDirectory(prefix="hearth-vosk-")
        weakref.finalize(self, overlay.cleanup)
        path = _overlay_model(self.model_path, self.options.end_silence_s, Path(overlay.name))
        try:
            self._model = vosk.Model(str(path))
        except Exception as exc:  # vosk raises a bare Exception
            raise SttError(
                f"Vosk could not load the model in {self.model_path}: is it a complete Vosk model?"
            ) from exc
        log.info("vosk model loaded from %s (mode %s)", self.model_path, self.mode)

    def _require_model(self) -> Any:
        if self._model is None:
            raise SttError("the Vosk engine is not loaded yet; call load() first")
        return self._model

    def in_lexicon(self, word: str) -> bool:
        return self._require_model().vosk_model_find_word(word) >= 0

    def set_vocabulary(self, vocabulary: Vocabulary) -> VocabularyReport:
        self._require_model()
        self.vocabulary = vocabulary
        report = vocabulary_report(vocabulary, self.in_lexicon)
        missing = report.missing_words
        if self.mode != "grammar":
            return report
        grammar = self._compile(vocabulary, set(missing))
        self._grammar = grammar  # one assignment: a session opening now sees old or new
        log.info(
            "vosk grammar: %d sentences, %d words, %d missing",
            len(grammar.sentences),
            report.accepted_words,
            len(missing),
        )
        return report

    def _compile(self, vocabulary: Vocabulary, missing: set[str]) -> _Grammar:
        sentences = speakable_sentences(vocabulary, missing)
        covered = {w for s in sentences for w in s.split()}
        phrases = sentences + [w for w in vocabulary.words if w not in missing and w not in covered]
        if not phrases:
            return _Grammar((), None)
        if self.in_lexicon(UNK):
            phrases.append(UNK)  # lets out-of-domain speech come out as [unk] instead of a command
        return _Grammar(tuple(sentences), json.dumps(phrases, ensure_ascii=False))

    def open_utterance(self, lead_in_s: float = 0.0) -> Utterance:
        """A new recognizer for every utterance (creating one takes about a millisecond).

        Reused ones decoded up to 30 % faster, their lazily composed graphs warm, but a
        recognizer keeps its feature pipeline across an endpoint, with the last speaker's
        adaptation and undecoded frames, and its graph's expansion order; the same audio was then
        heard as different commands depending on the sessions before it."""
        self._require_model()
        grammar = self._grammar
        vosk = self._vosk
        if grammar.json is not None:
            rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, grammar.json)
        else:
            rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        if self.options.max_alternatives > 1:
            rec.SetMaxAlternatives(self.options.max_alternatives)
        rec.SetWords(True)  # word times tell the wake phrase's tail from the command
        return VoskUtterance(rec, grammar, lead_in_s)


def load_engine(options: VoskOptions) -> VoskEngine:
    """Build and load the engine (blocking: reads the model)."""
    engine = VoskEngine(options)
    engine.load()
    return engine


VOSK = EngineSpec(name="vosk", options_type=VoskOptions, load=load_engine)
