"""Sample-level helpers every family and condition shares: float speech at Hearth's rate,
trimmed and levelled the same way whichever synthesizer made it, so families differ in voice and
not in padding or loudness."""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import resample_poly

from hearth.pcm import SAMPLE_RATE

REFERENCE_LEVEL_DBFS = -20.0
"""Active speech level of a voice with no level perturbation (RMS of the speech, not pauses)."""
TRIM_MARGIN_S = 0.05
"""Silence kept before and after the speech, so onsets and releases are not cut."""
TRIM_BELOW_PEAK_DB = 40.0
"""10 ms frames quieter than this below the loudest frame count as silence."""
FRAME_S = 0.01
PEAK_LIMIT = 0.95
"""Full-scale fraction a voice's peak is kept under: level perturbation never clips."""


def resample(samples: np.ndarray, rate_in: int, rate_out: int = SAMPLE_RATE) -> np.ndarray:
    """Polyphase resampling (band-limited, deterministic) to ``rate_out``, as float32."""
    if rate_in == rate_out or samples.size == 0:
        return samples.astype(np.float32)
    common = math.gcd(rate_in, rate_out)
    out = resample_poly(samples.astype(np.float64), rate_out // common, rate_in // common)
    return out.astype(np.float32)


def frame_rms(samples: np.ndarray, frame: int = int(FRAME_S * SAMPLE_RATE)) -> np.ndarray:
    """RMS of consecutive frames (the last, partial frame dropped)."""
    usable = samples.size // frame * frame
    if usable == 0:
        return np.zeros(0)
    frames = samples[:usable].astype(np.float64).reshape(-1, frame)
    return np.sqrt(np.mean(np.square(frames), axis=1))


def active_rms(samples: np.ndarray, below_peak_db: float = TRIM_BELOW_PEAK_DB) -> float:
    """RMS over the frames that carry speech: a sentence's pauses do not lower its level, so SNR
    and loudness mean the same for a short command and a long sentence."""
    levels = frame_rms(samples)
    if levels.size == 0 or levels.max() <= 0:
        return 0.0
    active = levels[levels >= levels.max() * 10 ** (-below_peak_db / 20)]
    return float(np.sqrt(np.mean(np.square(active))))


def trim(samples: np.ndarray, margin_s: float = TRIM_MARGIN_S) -> np.ndarray:
    """Cut leading and trailing silence, keeping ``margin_s`` either side."""
    frame = int(FRAME_S * SAMPLE_RATE)
    levels = frame_rms(samples, frame)
    if levels.size == 0 or levels.max() <= 0:
        return samples[:0]
    loud = np.flatnonzero(levels >= levels.max() * 10 ** (-TRIM_BELOW_PEAK_DB / 20))
    margin = int(margin_s * SAMPLE_RATE)
    start = max(0, int(loud[0]) * frame - margin)
    end = min(samples.size, (int(loud[-1]) + 1) * frame + margin)
    return samples[start:end]


def set_level(samples: np.ndarray, level_dbfs: float) -> np.ndarray:
    """Scale float speech (full scale 1.0) to an active level, kept under the peak limit."""
    level = active_rms(samples)
    if level <= 0:
        return samples.astype(np.float32)
    gain = 10 ** (level_dbfs / 20) / level
    peak = float(np.max(np.abs(samples))) * gain
    if peak > PEAK_LIMIT:
        gain *= PEAK_LIMIT / peak
    return (samples * gain).astype(np.float32)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float (full scale 1.0) to Hearth's int16, clipping like an ADC would."""
    return np.clip(np.round(samples * 32768.0), -32768, 32767).astype(np.int16)


def to_float(samples: np.ndarray) -> np.ndarray:
    """int16 to float32 with full scale 1.0."""
    return (samples.astype(np.float32) / 32768.0).astype(np.float32)
