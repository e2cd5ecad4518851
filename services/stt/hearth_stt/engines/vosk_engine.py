"""Vosk (Kaldi) streaming recognition with runtime closed-domain grammars.

Vosk turns a grammar (a JSON list of phrases) into a bigram with a fixed 0.5
backoff, so it also accepts word sequences no template produces, and it drops
words its lexicon lacks with only a log line.  This engine therefore checks
every vocabulary word against the model's lexicon up front, and asks for an
n-best list so the best hypothesis that is a whole vocabulary sentence wins.

Vosk 0.3.45 has no API to change endpointing, so the model is opened through
an overlay directory whose ``conf/model.conf`` carries the configured trailing
silence (everything else is symlinked to the real model).
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _overlay_model(model: Path, end_silence_s: float, into: Path) -> Path:
    """A view of ``model`` with a rewritten conf/model.conf; the rest is symlinked."""
    for child in model.iterdir():
        if child.name != "conf":
            (into / child.name).symlink_to(child.resolve())
    conf = into / "conf"
    conf.mkdir()
    original = model / "conf"
    if original.is_dir():
        for child in original.iterdir():
            if child.name != "model.conf":
                (conf / child.name).symlink_to(child.resolve())
    source = original / "model.conf"
    text = source.read_text(encoding="utf-8") if source.is_file() else ""
    (conf / "model.conf").write_text(scaled_endpoint_conf(text, end_silence_s), encoding="utf-8")
    return into


class _Grammar:
    """One vocabulary, compiled for Vosk; a new instance replaces the old atomically."""

    def __init__(
        self, generation: int, sentences: tuple[str, ...], grammar_json: str | None
    ) -> None:
        self.generation = generation
        self.sentences = frozenset(sentences)
        self.json = grammar_json


class VoskUtterance(Utterance):
    def __init__(self, engine: VoskEngine, recognizer: Any, grammar: _Grammar) -> None:
        self._engine = engine
        self._rec = recognizer
        self._grammar = grammar
        self._endpoint_result: dict | None = None
        self._done = False

    def accept(self, pcm: bytes) -> Update:
        if self._done:
            raise SttError("this utterance is finished; open a new one")
        if self._endpoint_result is not None:
            return Update(partial=None, end_of_speech=True)
        if self._rec.AcceptWaveform(pcm):
            result = json.loads(self._rec.Result())
            if _texts(result):
                self._endpoint_result = result
                return Update(partial=None, end_of_speech=True)
            return Update(partial=None, end_of_speech=False)  # only silence so far
        partial = json.loads(self._rec.PartialResult()).get("partial") or None
        return Update(partial=partial, end_of_speech=False)

    def finish(self) -> FinalResult:
        if self._done:
            raise SttError("this utterance is already finished")
        self._done = True
        result = self._endpoint_result or json.loads(self._rec.FinalResult())
        self._engine._release(self._rec, self._grammar)
        return _final(result, self._grammar)


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
        self._lock = threading.Lock()
        self._pool: list[tuple[Any, int]] = []
        self._grammar = _Grammar(0, (), None)
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
        self._fill_pool()
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
        with self._lock:
            self._grammar = grammar
            self._pool.clear()
        self._fill_pool()
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
            return _Grammar(self._grammar.generation + 1, (), None)
        if self.in_lexicon(UNK):
            phrases.append(UNK)  # lets out-of-domain speech come out as [unk] instead of a command
        return _Grammar(
            self._grammar.generation + 1, tuple(sentences), json.dumps(phrases, ensure_ascii=False)
        )

    def _new_recognizer(self, grammar: _Grammar) -> Any:
        vosk = self._vosk
        if grammar.json is not None:
            rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, grammar.json)
        else:
            rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        if self.options.max_alternatives > 1:
            rec.SetMaxAlternatives(self.options.max_alternatives)
        return rec

    def _fill_pool(self) -> None:
        with self._lock:
            grammar = self._grammar
            missing = self.options.pool_size - len(self._pool)
        for _ in range(max(0, missing)):
            rec = self._new_recognizer(grammar)
            with self._lock:
                if self._grammar is grammar and len(self._pool) < self.options.pool_size:
                    self._pool.append((rec, grammar.generation))

    def open_utterance(self, lead_in_s: float = 0.0) -> Utterance:
        """Vosk finds the end of speech itself (its endpoint rules need a decoded word before the
        trailing silence), so the lead-in needs no special handling here."""
        self._require_model()
        with self._lock:
            grammar = self._grammar
            rec = self._pool.pop()[0] if self._pool else None
        if not self._pool:
            threading.Thread(target=self._fill_pool, name="stt-pool", daemon=True).start()
        if rec is None:
            rec = self._new_recognizer(grammar)
        return VoskUtterance(self, rec, grammar)

    def _release(self, rec: Any, grammar: _Grammar) -> None:
        """Keep a finished recognizer for reuse: its lazily composed graph is warm."""
        rec.Reset()
        with self._lock:
            if grammar is self._grammar and len(self._pool) < self.options.pool_size:
                self._pool.append((rec, grammar.generation))


def load_engine(options: VoskOptions) -> VoskEngine:
    """Build and load the engine (blocking: reads the model)."""
    engine = VoskEngine(options)
    engine.load()
    return engine


VOSK = EngineSpec(name="vosk", options_type=VoskOptions, load=load_engine)
