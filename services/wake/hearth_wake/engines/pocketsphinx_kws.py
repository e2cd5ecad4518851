"""The "pocketsphinx" wake engine: keyphrase spotting with PocketSphinx's bundled English model.

Any phrase whose words are in PocketSphinx's dictionary works without training, which is
the reason to offer it; it is far less accurate than the embedding engine (see
docs/wake-word.md), so it is never the default.

PocketSphinx's keyphrase search only behaved when each utterance was decoded whole: with
a never-ending live utterance its running cepstral mean stayed at the initial estimate
and nothing was ever spotted on synthesized speech (measured, 0 of 24). So the stream is
cut at pauses by a simple energy endpointer and every stretch of sound is decoded as one
utterance with per-utterance (batch) normalisation (``segmenter.py``). A detection is
therefore reported at the pause after the phrase (a quarter of a second later), or at the
latest after ``MAX_SEGMENT_S`` of continuous sound.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from hearth.pcm import SAMPLE_RATE
from hearth.registry import EngineSpec
from hearth_wake.engines.base import WakeEngine, WakeHit
from hearth_wake.engines.errors import WakeModelError
from hearth_wake.engines.input_checks import checked_sensitivity
from hearth_wake.engines.segmenter import FRAME, Segment, SegmentedStream

# Sensitivity 0..1 maps to a keyphrase threshold of 1e-10 .. 1e-50 (smaller = easier to trigger);
# 0.5 -> 1e-30.
THRESHOLD_EXPONENT_AT_0 = -10.0
THRESHOLD_EXPONENT_SPAN = -40.0
DEFAULT_SENSITIVITY = 0.5
# PocketSphinx decoders are not thread-safe and share global state (logging, model files); the wake
# service
# runs inference in worker threads, so every call into PocketSphinx holds this lock.
_LOCK = threading.Lock()


def kws_threshold(sensitivity: float | None) -> float:
    """Map sensitivity (0..1, None = 0.5) to PocketSphinx's keyphrase threshold."""
    value = checked_sensitivity(sensitivity, DEFAULT_SENSITIVITY)
    return 10.0 ** (THRESHOLD_EXPONENT_AT_0 + THRESHOLD_EXPONENT_SPAN * value)


class PocketsphinxEngine(WakeEngine):
    """Holds the model paths and the phrase; each stream gets its own decoder (decoders hold
    state)."""

    name = "pocketsphinx"

    def __init__(self, phrase: str, *, refractory_s: float = 2.0) -> None:
        try:
            from pocketsphinx import Decoder, get_model_path
        except ImportError as exc:
            raise WakeModelError(
                "The pocketsphinx wake engine needs the pocketsphinx package: "
                "pip install 'hearth[wake]'."
            ) from exc
        root = Path(get_model_path()) / "en-us"
        self.hmm, self.dictionary = root / "en-us", root / "cmudict-en-us.dict"
        if not (self.hmm.is_dir() and self.dictionary.is_file()):
            raise WakeModelError(
                f"PocketSphinx's English model is missing under {root}; reinstall pocketsphinx."
            )
        self.phrase = " ".join(phrase.lower().split())
        if not self.phrase:
            raise WakeModelError("The pocketsphinx wake engine needs a phrase (wake.keyphrase).")
        with _LOCK:
            lexicon = Decoder(
                hmm=str(self.hmm), dict=str(self.dictionary), lm=None, loglevel="FATAL"
            )
            unknown = [word for word in self.phrase.split() if lexicon.lookup_word(word) is None]
        if unknown:
            raise WakeModelError(
                f"The wake phrase {self.phrase!r} has words PocketSphinx's English dictionary "
                "lacks: "
                f"{', '.join(unknown)}; choose another phrase or the embedding engine (`hearth "
                "wake train`)."
            )
        self.wake_words = (self.phrase,)
        self.refractory_samples = int(round(refractory_s * SAMPLE_RATE))

    def decoder(self, threshold: float) -> object:
        from pocketsphinx import Decoder

        with _LOCK:
            return Decoder(
                hmm=str(self.hmm),
                dict=str(self.dictionary),
                lm=None,
                keyphrase=self.phrase,
                kws_threshold=threshold,
                cmn="batch",
                loglevel="FATAL",
            )

    def open_stream(self, sensitivity: float | None = None) -> PocketsphinxStream:
        return PocketsphinxStream(self, self.decoder(kws_threshold(sensitivity)))


class PocketsphinxStream(SegmentedStream):
    """Energy endpointing into utterances, each decoded whole by the keyphrase search."""

    def __init__(self, engine: PocketsphinxEngine, decoder: object) -> None:
        super().__init__(engine.refractory_samples)
        self._engine = engine
        self._decoder = decoder

    def decode(self, segment: Segment) -> list[WakeHit]:
        decoder = self._decoder
        with _LOCK:
            decoder.start_utt()  # type: ignore[attr-defined]
            decoder.process_raw(segment.audio.tobytes(), False, True)  # type: ignore[attr-defined]
            decoder.end_utt()  # type: ignore[attr-defined]
            ends = [seg.end_frame for seg in (decoder.seg() or ())]  # type: ignore[attr-defined]
        # PocketSphinx's keyphrase search gives no calibrated confidence: a hit is a hit.
        return [
            WakeHit(
                wake_word=self._engine.phrase,
                score=1.0,
                end_sample=segment.first_sample + (end + 1) * FRAME,
            )
            for end in ends
        ]


@dataclass(frozen=True)
class PocketsphinxKwsOptions:
    keyphrase: str = "hey hestia"
    refractory_s: float = 2.0


def load_engine(options: PocketsphinxKwsOptions) -> PocketsphinxEngine:
    """Build the engine for the phrase (blocking: checks the phrase against the dictionary)."""
    return PocketsphinxEngine(options.keyphrase, refractory_s=options.refractory_s)


POCKETSPHINX = EngineSpec(
    name="pocketsphinx", options_type=PocketsphinxKwsOptions, load=load_engine
)
