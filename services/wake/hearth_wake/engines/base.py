"""The wake-word engine interface every engine implements.

Engines are loaded once per process and shared by every site's stream, so
all per-connection state lives in :class:`WakeStream`, which must be cheap to
create; the engine itself only holds read-only models.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class WakeHit:
    """One detection; ``end_sample`` lets the audio service cut the pre-roll exactly."""

    wake_word: str  # the phrase, e.g. "hey hestia"
    score: float  # 0..1, higher = more certain
    end_sample: int  # offset (in samples since the stream was opened) where the detection fired


class WakeStream(ABC):
    """Per-connection detection state; cheap to create."""

    @abstractmethod
    def process(self, pcm: np.ndarray) -> list[WakeHit]:
        """Feed int16 samples (any chunk length) and return the detections they completed."""

    @abstractmethod
    def reset(self) -> None:
        """Forget all audio heard so far (e.g. after a session ends or the mic was muted)."""


class WakeEngine(ABC):
    """Loaded once per process and shared by every stream (inference must be thread-safe)."""

    name: str
    wake_words: tuple[str, ...]

    @abstractmethod
    def open_stream(self, sensitivity: float | None = None) -> WakeStream:
        """Start a new stream; ``sensitivity`` 0..1 (None = the model's calibrated default)."""


class WakeModelError(Exception):
    """A wake model file is missing, corrupt or does not match this engine."""


def checked_sensitivity(sensitivity: float | None, default: float = 0.5) -> float:
    """The stream's sensitivity (None = the engine's default), refused outside 0..1 so a typo cannot mean "always wake"."""
    value = default if sensitivity is None else sensitivity
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ValueError(f"Wake sensitivity must be between 0 and 1, got {value}.")
    return value


def check_pcm(pcm: np.ndarray) -> np.ndarray:
    """The samples as a 1-D int16 array, or a clear error for anything else (every engine's input check)."""
    samples = np.asarray(pcm)
    if samples.dtype != np.int16:
        raise TypeError(f"Wake audio must be int16 PCM samples, got dtype {samples.dtype}.")
    if samples.ndim != 1:
        raise ValueError(f"Wake audio must be mono (a 1-D array), got shape {samples.shape}.")
    return samples
