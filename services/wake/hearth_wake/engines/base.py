"""The wake-word engine interface every engine implements.

Engines are loaded once per process and shared by every site's stream, so
all per-connection state lives in :class:`WakeStream`, which must be cheap to
create; the engine itself only holds read-only models.

Each engine module also exports an ``EngineSpec`` (its name, options type and loader) that the
registry (``registry.py``) hands out by name; the input checks engines share are in
``input_checks.py``.
"""

from __future__ import annotations

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

    def sure_of(self, hit: WakeHit, until_sample: int) -> bool:
        """Whether ``hit`` needs no second stage: the engine, run more sensitively than it was
        calibrated because a second stage checks its detections, also passed its own calibrated
        threshold between the hit and ``until_sample``. An engine that was not made more
        sensitive is never sure: each of its detections is checked."""
        del hit, until_sample
        return False


class WakeEngine(ABC):
    """Loaded once per process and shared by every stream (inference must be thread-safe)."""

    name: str
    wake_words: tuple[str, ...]

    @abstractmethod
    def open_stream(self, sensitivity: float | None = None) -> WakeStream:
        """Start a new stream; ``sensitivity`` 0..1 (None = the model's calibrated default)."""
