"""Training speech: espeak-ng through Hearth's one wrapper (hearth.espeak), or any other family
through hearth_voices, resampled and trimmed here to the 16 kHz float samples the recipe mixes
into rooms."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

import numpy as np

from hearth import espeak
from hearth.pcm import SAMPLE_RATE
from hearth_wake_train.voices import Voice

if TYPE_CHECKING:
    import hearth_voices

Speaker: TypeAlias = "Voice | hearth_voices.Voice"
"""The recipe's own espeak-ng speaker, or a pseudo-speaker of another family (hearth_voices is
imported only when one speaks: the training code imports with the wake extra alone)."""

SYNTH_TIMEOUT_S = 30.0


def synthesize(text: str, voice: Speaker) -> np.ndarray:
    """Speak ``text`` and return trimmed 16 kHz samples (float32 on the int16 scale).

    Raises hearth.espeak.SynthesisError when espeak-ng is missing or fails, and
    hearth_voices.FamilyUnavailable when another family cannot speak here.
    """
    if not isinstance(voice, Voice):
        from hearth_voices import speak

        return trim(speak(text, voice).astype(np.float32))
    samples, rate = espeak.wav_samples(espeak.speak(text, voice.args(), SYNTH_TIMEOUT_S))
    return trim(resample(samples.astype(np.float32), rate, SAMPLE_RATE))


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Band-limited resampling by FFT; exact enough for speech and needs no scipy."""
    if rate_in == rate_out or samples.size == 0:
        return samples.astype(np.float32)
    n_out = int(round(samples.size * rate_out / rate_in))
    spectrum = np.fft.rfft(samples)
    keep = n_out // 2 + 1
    spectrum = (
        spectrum[:keep] if spectrum.size >= keep else np.pad(spectrum, (0, keep - spectrum.size))
    )
    return (np.fft.irfft(spectrum, n_out) * (n_out / samples.size)).astype(np.float32)


def trim(samples: np.ndarray, floor: float = 60.0) -> np.ndarray:
    """Cut leading/trailing silence so the phrase end is known to within a few ms."""
    loud = np.flatnonzero(np.abs(samples) > floor)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1]
