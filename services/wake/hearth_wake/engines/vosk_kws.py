"""The "vosk" wake engine: grammar spotting of `wake.keyphrase` with the Vosk model for
`wake.language`.

It is for a language Hearth has no trained wake model for but does have a Vosk model for (the
embedding engine's shipped model is English; training needs a TTS voice for the language). Any
phrase whose words the model knows works without training; a word it lacks stops the service at
start with a message that names it, as does a missing model (with the `hearth models pull`
command that installs one).

The stream is cut into stretches of sound by the shared energy endpointer (``segmenter.py``) and
each stretch is decoded whole with the spotting grammar (``vosk_grammar.py``): a quiet room costs
no decoding at all, and a detection is reported at the pause after the phrase (a quarter of a
second later), or at the latest after ``MAX_SEGMENT_S`` of continuous sound. The score is the
confidence of the phrase's weakest word; sensitivity sets the confidence it needs.

The Vosk model is loaded once and shared; every stream has its own recogniser (Vosk does not
promise that one recogniser can be used from several threads).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hearth.pcm import SAMPLE_RATE
from hearth.registry import EngineSpec
from hearth_wake.engines.base import WakeEngine, WakeHit
from hearth_wake.engines.input_checks import checked_sensitivity
from hearth_wake.engines.segmenter import Segment, SegmentedStream
from hearth_wake.vosk_grammar import (
    GrammarSpotter,
    PhraseRecognizer,
    confidence_needed,
    resolve_model,
)


class VoskEngine(WakeEngine):
    """Holds the shared model and grammar; each stream gets its own recogniser."""

    name = "vosk"

    def __init__(self, spotter: GrammarSpotter, *, refractory_s: float = 2.0) -> None:
        self.spotter = spotter
        self.wake_words = spotter.phrases
        self.refractory_samples = int(round(refractory_s * SAMPLE_RATE))

    def open_stream(self, sensitivity: float | None = None) -> VoskStream:
        return VoskStream(
            self, self.spotter.recognizer(), confidence_needed(checked_sensitivity(sensitivity))
        )


class VoskStream(SegmentedStream):
    """Energy endpointing into utterances, each decoded whole with the spotting grammar."""

    def __init__(self, engine: VoskEngine, recognizer: PhraseRecognizer, needed: float) -> None:
        super().__init__(engine.refractory_samples)
        self._recognizer = recognizer
        self.needed = needed

    def decode(self, segment: Segment) -> list[WakeHit]:
        return [
            WakeHit(
                wake_word=spot.phrase,
                score=spot.score,
                end_sample=segment.first_sample
                + min(segment.audio.size, int(round(spot.end_s * SAMPLE_RATE))),
            )
            for spot in self._recognizer.spot(segment.audio)
            if spot.score >= self.needed
        ]


@dataclass(frozen=True)
class VoskKwsOptions:
    keyphrase: str = "hey hestia"
    language: str = "en"  # picks the Vosk model
    model_dir: Path | None = None  # a model directory or a directory of models, searched first
    fillers: int | None = None  # None: none when the model has [unk], else DEFAULT_FILLERS
    refractory_s: float = 2.0


def load_engine(options: VoskKwsOptions) -> VoskEngine:
    """Find the model for the language and build the spotting grammar (blocking)."""
    model_path = resolve_model(options.language, options.model_dir)
    spotter = GrammarSpotter(model_path, [options.keyphrase], fillers=options.fillers)
    return VoskEngine(spotter, refractory_s=options.refractory_s)


VOSK = EngineSpec(name="vosk", options_type=VoskKwsOptions, load=load_engine)
