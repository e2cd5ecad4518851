"""Checks every engine makes on a stream's input, so each refuses bad input the same way."""

from __future__ import annotations

import math

import numpy as np


def checked_sensitivity(sensitivity: float | None, default: float = 0.5) -> float:
    """The stream's sensitivity (None = the engine's default), refused outside 0..1 so a typo
    cannot mean "always wake"."""
    value = default if sensitivity is None else sensitivity
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ValueError(f"Wake sensitivity must be between 0 and 1, got {value}.")
    return value


def check_pcm(pcm: np.ndarray) -> np.ndarray:
    """The samples as a 1-D int16 array, or a clear error for anything else."""
    samples = np.asarray(pcm)
    if samples.dtype != np.int16:
        raise TypeError(f"Wake audio must be int16 PCM samples, got dtype {samples.dtype}.")
    if samples.ndim != 1:
        raise ValueError(f"Wake audio must be mono (a 1-D array), got shape {samples.shape}.")
    return samples
