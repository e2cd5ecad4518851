"""The optional second pass: a detection leaves the wake service only if a second recogniser
hears the phrase too. ``Verifier`` is what the service needs of one; this module holds the Vosk
one (`wake.verify: vosk`); the Whisper one (`wake.verify: whisper`) is in ``whisper_check``.

The primary engine (by default the embedding classifier) is cheap and runs on every frame; its
false wakes are sound-alikes and everyday talk (docs/wake-word.md). Vosk is too costly to run on
every frame of every site, but decoding the ~2 s around a detection, a few times an hour, is not.
Both mistakes have to happen together for a false wake to get through.

The verifier decodes the audio the service buffered up to a little after the detection
(``TAIL_S``: the primary engine can fire before the phrase's last syllable is over), with the same
spotting grammar as the `vosk` engine (``vosk_grammar.py``), and confirms only if the detected
phrase is in the best hypothesis with its weakest word at or above the confidence
``wake.verify_sensitivity`` asks for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from hearth.pcm import SAMPLE_RATE
from hearth_wake.engines.errors import WakeModelError
from hearth_wake.vosk_grammar import (
    GrammarSpotter,
    PhraseRecognizer,
    confidence_needed,
    normalise_phrase,
    resolve_model,
)

WINDOW_S = 3.0
"""Audio decoded per detection: the phrase (1-2 s) with room before it."""
TAIL_S = 0.3
"""Audio waited for after a detection before verifying it, so the phrase is heard to its end."""


class Verifier(Protocol):
    """A second recogniser that confirms the first stage's detections."""

    name: str
    tail_s: float
    """Audio waited for after a detection before checking it, so the phrase is heard to its end."""

    def confirm(self, phrase: str, audio: np.ndarray) -> bool:
        """True if the phrase is heard at the end of ``audio`` (blocking; from worker threads)."""
        ...


@dataclass(frozen=True)
class VoskVerifierOptions:
    language: str = "en"  # picks the Vosk model
    model_dir: Path | None = None  # a model directory or a directory of models, searched first
    fillers: int | None = None  # as for the vosk engine: None = none when the model has [unk]
    sensitivity: float = 0.5  # higher confirms more easily


class VoskVerifier:
    """Confirms detections; safe to call from several worker threads (a recogniser each, pooled)."""

    name = "vosk"
    tail_s = TAIL_S

    def __init__(self, spotter: GrammarSpotter, sensitivity: float = 0.5) -> None:
        self.spotter = spotter
        self.needed = confidence_needed(sensitivity)
        self._pool: list[PhraseRecognizer] = []
        self._lock = threading.Lock()

    @classmethod
    def load(cls, options: VoskVerifierOptions, phrases: Iterable[str]) -> VoskVerifier:
        """Build the verifier for the primary engine's phrases (blocking: model loading)."""
        model_path = resolve_model(options.language, options.model_dir)
        try:
            spotter = GrammarSpotter(model_path, phrases, fillers=options.fillers)
        except WakeModelError as exc:
            raise WakeModelError(f"wake.verify: {exc}") from exc
        return cls(spotter, options.sensitivity)

    def confirm(self, phrase: str, audio: np.ndarray) -> bool:
        """True if the phrase is heard in ``audio`` (its last ``WINDOW_S``) confidently enough;
        blocking."""
        samples = np.asarray(audio, dtype=np.int16)[-int(WINDOW_S * SAMPLE_RATE) :]
        with self._lock:
            recognizer = self._pool.pop() if self._pool else None
        if recognizer is None:
            recognizer = self.spotter.recognizer()
        try:
            spots = recognizer.spot(samples)
        finally:
            with self._lock:
                self._pool.append(recognizer)
        wanted = normalise_phrase(phrase)
        return any(spot.phrase == wanted and spot.score >= self.needed for spot in spots)
