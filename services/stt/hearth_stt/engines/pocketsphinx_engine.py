"""PocketSphinx recognition: English out of the box, no model download needed.

Grammar mode compiles the vocabulary into a small backoff trigram (see
``language_model``) rather than a JSGF grammar: on espeak-ng speech the
n-gram was both more accurate (36/60 vs 27/60 exact sentences) and twenty times
faster than JSGF with a garbage loop, and unlike a strict grammar it lets
out-of-domain speech come out as a non-sentence.  An n-best pass then prefers
the best hypothesis that is a whole vocabulary sentence.

Streaming decoding (live cepstral mean normalisation) only feeds the partial
transcripts: the final transcript re-decodes the buffered utterance in one
batch, which on the espeak-ng set raised exact sentences from 13/60 to about
35/60 for ~50 ms of extra work after end of speech.

End of speech comes from PocketSphinx's WebRTC-style VAD (``endpointer``): a run of speech
frames followed by ``end_silence_s`` of non-speech.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hearth.models import ModelNotFoundError
from hearth.registry import EngineSpec
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
from hearth_stt.engines.language_model import build_arpa
from hearth_stt.engines.options import RecognitionOptions
from hearth_stt.engines.sentences import (
    choose_in_vocabulary,
    normalise_sentence,
    speakable_sentences,
    vocabulary_report,
)

log = logging.getLogger(__name__)

ENGLISH = ("en", "en-us")
_SPHINX_LOCK = threading.RLock()
"""PocketSphinx is not safe to drive from several threads at once (building a decoder while another
decodes gave different transcripts for the same audio): every call into it holds this lock.
Decoding runs at about 0.06 of real time, so sites queue for milliseconds."""
LM_DISCOUNT = 0.2  # measured best of 0.5/0.2/0.1/0.05 on the espeak-ng set


@dataclass(frozen=True)
class PocketsphinxOptions(RecognitionOptions):
    # A PocketSphinx model root (en-us/, cmudict-en-us.dict, en-us.lm.bin); default: the bundled
    # English model.
    model_dir: Path | None = None
    # Decoders kept ready so that opening an utterance is instant.
    pool_size: int = 2


class _Search:
    """One compiled vocabulary (or the open model): decoders are built against it."""

    def __init__(
        self,
        generation: int,
        lm_path: str | None,
        sentences: tuple[str, ...],
        dict_path: str | None = None,
    ) -> None:
        self.generation = generation
        self.lm_path = lm_path
        self.sentences = frozenset(sentences)
        self.dict_path = dict_path


class PocketsphinxUtterance(Utterance):
    def __init__(
        self, engine: PocketsphinxEngine, decoder: Any, search: _Search, lead_in_s: float = 0.0
    ) -> None:
        self._engine = engine
        self._decoder = decoder
        self._search = search
        self._endpointer = VadEndpointer(engine.options.end_silence_s, lead_in_s)
        self._done = False
        self._audio = bytearray()
        with _SPHINX_LOCK:
            decoder.start_utt()

    def accept(self, pcm: bytes) -> Update:
        with _SPHINX_LOCK:
            return self._accept(pcm)

    def _accept(self, pcm: bytes) -> Update:
        if self._done:
            raise SttError("this utterance is finished; open a new one")
        if self._endpointer.ended:
            return Update(partial=None, end_of_speech=True)
        self._audio += pcm
        self._decoder.process_raw(pcm, False, False)
        ended = self._endpointer.feed(pcm)
        hyp = self._decoder.hyp()
        partial = hyp.hypstr if hyp is not None and hyp.hypstr else None
        return Update(partial=partial, end_of_speech=ended)

    def finish(self) -> FinalResult:
        if self._done:
            raise SttError("this utterance is already finished")
        self._done = True
        try:
            with _SPHINX_LOCK:
                return self._decode_all()
        finally:
            self._engine._release(self._decoder, self._search)

    def _decode_all(self) -> FinalResult:
        """The streaming pass only feeds partials: the whole utterance at once decodes better."""
        self._decoder.end_utt()
        if self._audio:
            self._decoder.start_utt()
            self._decoder.process_raw(bytes(self._audio), False, True)
            self._decoder.end_utt()
        return self._result()

    def _result(self) -> FinalResult:
        hyp = self._decoder.hyp()
        if hyp is None or not hyp.hypstr:
            return FinalResult(text="", confidence=None)
        hypotheses = [hyp.hypstr]
        limit = self._engine.options.max_alternatives
        grammar = self._search.lm_path is not None and bool(self._search.sentences)
        already_in_vocabulary = grammar and normalise_sentence(hyp.hypstr) in self._search.sentences
        if limit > 1 and not already_in_vocabulary:  # the n-best search costs more than the decode
            hypotheses += [
                h.hypstr
                for h in itertools.islice(self._decoder.nbest(), limit)
                if h is not None and h.hypstr
            ]
        if grammar:
            chosen, rest = choose_in_vocabulary(hypotheses, self._search.sentences)
        else:
            chosen, rest = choose_in_vocabulary(hypotheses, ())
        # PocketSphinx's posterior of its best path is 1.0 for nearly every utterance, right or
        # wrong, and its n-best scores are flat (measured: docs/benchmarks.md), so it cannot rank
        # its own mistakes. What it can tell is whether its answer is a sentence of the vocabulary:
        # 0 when it is not (the hybrid engine then asks Whisper).
        in_vocabulary = grammar and chosen in self._search.sentences
        if grammar and not in_vocabulary:
            confidence: float | None = 0.0
        elif chosen == normalise_sentence(hyp.hypstr):
            confidence = self._decoder.get_logmath().exp(hyp.prob)
        else:
            confidence = None
        return FinalResult(text=chosen, confidence=confidence, alternatives=rest)


class PocketsphinxEngine(SttEngine):
    name = "pocketsphinx"

    def __init__(self, options: PocketsphinxOptions) -> None:
        self.options = options
        self.language = options.language
        self.mode = options.mode
        self._lock = threading.Lock()
        self._pool: list[Any] = []
        self._search = _Search(0, None, ())
        self._lexicon: Any | None = None
        self._hmm: str | None = None
        self._dict: str | None = None
        self._open_lm: str | None = None
        self._initial_cmn: str | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="hearth-pocketsphinx-")
        weakref.finalize(self, self._tmp.cleanup)
        self.vocabulary: Vocabulary | None = None

    def _locate_model(self) -> None:
        from pocketsphinx import get_model_path

        if self.options.model_dir is not None:
            root = Path(self.options.model_dir)
            searched = [root]
        elif self.language.lower() in ENGLISH:
            root = Path(get_model_path()) / "en-us"
            searched = [root]
        else:
            raise ModelNotFoundError(self.language, [Path(get_model_path())], None)
        hmm, dic, lm = root / "en-us", root / "cmudict-en-us.dict", root / "en-us.lm.bin"
        if not (hmm.is_dir() and dic.is_file()):
            raise ModelNotFoundError(self.language, searched, None)
        self._hmm, self._dict = str(hmm), str(dic)
        self._open_lm = str(lm) if lm.is_file() else None

    def load(self) -> None:
        from pocketsphinx import Decoder

        self._locate_model()
        self._lexicon = Decoder(hmm=self._hmm, dict=self._dict, lm=None, loglevel="FATAL")
        self._fill_pool()
        log.info("pocketsphinx loaded (mode %s)", self.mode)

    def in_lexicon(self, word: str) -> bool:
        if self._lexicon is None:
            raise SttError("the PocketSphinx engine is not loaded yet; call load() first")
        with _SPHINX_LOCK:
            return self._lexicon.lookup_word(word) is not None

    def set_vocabulary(self, vocabulary: Vocabulary) -> VocabularyReport:
        self.vocabulary = vocabulary
        report = vocabulary_report(vocabulary, self.in_lexicon)
        missing = report.missing_words
        if self.mode != "grammar":
            return report
        search = self._compile(vocabulary, set(missing))
        with self._lock:
            self._search = search
            self._pool.clear()
        self._fill_pool()
        log.info(
            "pocketsphinx grammar: %d sentences, %d words, %d missing",
            len(search.sentences),
            report.accepted_words,
            len(missing),
        )
        return report

    def _compile(self, vocabulary: Vocabulary, missing: set[str]) -> _Search:
        generation = self._search.generation + 1
        sentences = speakable_sentences(vocabulary, missing)
        extra = [w for w in vocabulary.words if w not in missing]
        if not sentences and not extra:
            return _Search(generation, None, ())
        arpa = build_arpa([s.split() for s in sentences], discount=LM_DISCOUNT, extra_words=extra)
        directory = Path(self._tmp.name)
        lm_path = directory / f"vocabulary-{generation}.arpa"
        lm_path.write_text(arpa, encoding="utf-8")
        words = {word for sentence in sentences for word in sentence.split()} | set(extra)
        dict_path = directory / f"vocabulary-{generation}.dict"
        dict_path.write_text(self._pronunciations(words), encoding="utf-8")
        return _Search(generation, str(lm_path), tuple(sentences), str(dict_path))

    def _pronunciations(self, words: set[str]) -> str:
        """The dictionary's entries (every pronunciation) for ``words`` only. A decoder can say
        only what its language model holds, but it reads the whole dictionary: against the full
        one a vocabulary's decoder took 3.5-4.7 s to build, against its own words 0.01 s, with
        the same search. Decoders are built at every change of vocabulary and pool refill."""
        assert self._dict is not None
        with open(self._dict, encoding="utf-8") as full:
            return "".join(line for line in full if line.split(" ", 1)[0].split("(", 1)[0] in words)

    def _new_decoder(self, search: _Search) -> Any:
        lm = search.lm_path or self._open_lm
        with _SPHINX_LOCK:
            decoder = self._build_decoder(lm, search.dict_path or self._dict)
            if self._initial_cmn is None:
                self._initial_cmn = decoder.get_cmn(False)
            return decoder

    def _build_decoder(self, lm: str | None, dictionary: str | None) -> Any:
        from pocketsphinx import Decoder

        # Batch CMN normalises each utterance by its own cepstral mean. A decoder is reused
        # across sessions, but only after `_reset` (see there).
        return Decoder(
            hmm=self._hmm, dict=dictionary, lm=lm, loglevel="FATAL", fwdflat=False, cmn="batch"
        )

    def _fill_pool(self) -> None:
        with self._lock:
            search = self._search
            wanted = self.options.pool_size - len(self._pool)
        for _ in range(max(0, wanted)):
            decoder = self._new_decoder(search)
            with self._lock:
                if self._search is search and len(self._pool) < self.options.pool_size:
                    self._pool.append(decoder)

    def open_utterance(self, lead_in_s: float = 0.0) -> Utterance:
        if self._hmm is None:
            raise SttError("the PocketSphinx engine is not loaded yet; call load() first")
        with self._lock:
            search = self._search
            decoder = self._pool.pop() if self._pool else None
        if not self._pool:
            threading.Thread(target=self._fill_pool, name="stt-pool", daemon=True).start()
        if decoder is None:
            decoder = self._new_decoder(search)
        return PocketsphinxUtterance(self, decoder, search, lead_in_s)

    def _release(self, decoder: Any, search: _Search) -> None:
        """Keep a finished decoder for reuse (building one takes about half a second), reset to
        the state it was built with. Its live cepstral-mean estimate otherwise carries into the
        next session, so a transcript would depend on what someone said before (measured: after
        other commands, "turn off the bedroom light" came out as another sentence); reset, every
        transcript equals a new decoder's (tests/stt/test_pocketsphinx_engine.py)."""
        with _SPHINX_LOCK:
            decoder.reinit_feat()
            decoder.set_cmn(self._initial_cmn)
        with self._lock:
            if search is self._search and len(self._pool) < self.options.pool_size:
                self._pool.append(decoder)


def load_engine(options: PocketsphinxOptions) -> PocketsphinxEngine:
    """Build and load the engine (blocking: reads the model)."""
    engine = PocketsphinxEngine(options)
    engine.load()
    return engine


POCKETSPHINX = EngineSpec(name="pocketsphinx", options_type=PocketsphinxOptions, load=load_engine)
