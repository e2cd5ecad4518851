"""Small PCM helpers shared by the audio, wake and tts services (16 kHz mono signed 16-bit is
Hearth's format)."""

from __future__ import annotations

import math

import numpy as np

SAMPLE_RATE = 16_000
SAMPLE_WIDTH = 2
CHANNELS = 1
BYTES_PER_SECOND = SAMPLE_RATE * SAMPLE_WIDTH * CHANNELS
DEFAULT_MIC_COMMAND = ("arecord", "-q", "-r", "16000", "-c", "1", "-f", "S16_LE", "-t", "raw")
"""Records Hearth's format from the default ALSA device; the audio service and
`hearth wake enroll --record` both default to it (setting `audio.mic_command`)."""


def to_samples(pcm: bytes) -> np.ndarray:
    """int16 view of little-endian PCM; an odd trailing byte is dropped rather than failing the
    stream."""
    usable = len(pcm) - (len(pcm) % SAMPLE_WIDTH)
    return np.frombuffer(pcm[:usable], dtype="<i2")


def level_dbfs(samples: np.ndarray) -> float:
    """RMS level relative to full scale; -96 for silence. Used to pick the site that heard a
    command best."""
    if samples.size == 0:
        return -96.0
    rms = float(np.sqrt(np.mean(np.square(samples.astype(np.float64)))))
    if rms <= 0:
        return -96.0
    return max(-96.0, 20 * math.log10(rms / 32768.0))


def seconds(pcm_bytes: int) -> float:
    return pcm_bytes / BYTES_PER_SECOND


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """int16 samples at another rate (``resample_float``, rounded and clipped back to int16); the
    tts service converts every sentence it sends at another rate than its voice's."""
    if rate_in == rate_out or samples.size == 0:
        return samples.astype(np.int16)
    out = resample_float(samples.astype(np.float64), rate_in, rate_out)
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


def resample_float(signal: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Samples (any scale) at another rate, as float64: a windowed-sinc low-pass when going down
    (no aliasing), then linear interpolation. Good enough for speech, and numpy alone; a piece
    shorter than the filter works too (a WAV's last few milliseconds, a short sentence)."""
    signal = np.asarray(signal, dtype=np.float64)
    if rate_in == rate_out or signal.size == 0:
        return signal
    if rate_out < rate_in:
        signal = _lowpass(signal, cutoff=0.5 * rate_out / rate_in * 0.95)
    count = int(round(signal.size * rate_out / rate_in))
    positions = np.arange(count, dtype=np.float64) * (rate_in / rate_out)
    return np.interp(positions, np.arange(signal.size), signal)


def _lowpass(signal: np.ndarray, cutoff: float, taps: int = 101) -> np.ndarray:
    """``cutoff`` as a fraction of the input rate. The full convolution's centre, so the output
    has the input's length whatever that is (numpy's ``mode="same"`` returns the filter's length
    for a shorter input)."""
    n = np.arange(taps) - (taps - 1) / 2
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
    kernel /= kernel.sum()
    start = (taps - 1) // 2
    return np.convolve(signal, kernel, mode="full")[start : start + signal.size]
