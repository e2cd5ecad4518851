"""The chime played before a say request that asks for one (a timer that rings): two soft tones,
made on the spot at the answer's sample rate, so no sound file has to ship or be found."""

from __future__ import annotations

import numpy as np

TONES_HZ = (880.0, 660.0)
"""A falling fifth: heard as "ding-dong", unlike any word."""
TONE_S = 0.18
GAP_S = 0.04
FADE_S = 0.012
"""Each tone fades in and out, so the player gets no click."""
AMPLITUDE = 0.3
"""Well below full scale: a chime should not be louder than the voice after it."""


def chime(rate: int) -> bytes:
    """The chime as 16-bit mono PCM at `rate` (about 0.4 s, ending in a short silence)."""
    parts: list[np.ndarray] = []
    for frequency in TONES_HZ:
        parts.append(_tone(frequency, rate))
        parts.append(np.zeros(int(GAP_S * rate)))
    samples = np.concatenate(parts) * AMPLITUDE * 32767.0
    return np.round(samples).astype("<i2").tobytes()


def _tone(frequency: float, rate: int) -> np.ndarray:
    count = int(TONE_S * rate)
    t = np.arange(count) / rate
    # A decaying partial an octave up makes it sound like a bell rather than a test tone.
    tone = np.sin(2 * np.pi * frequency * t) + 0.3 * np.sin(4 * np.pi * frequency * t)
    tone *= np.exp(-3.0 * t / TONE_S) / 1.3
    fade = min(count // 2, int(FADE_S * rate))
    envelope = np.ones(count)
    envelope[:fade] = np.linspace(0.0, 1.0, fade)
    envelope[count - fade :] = np.linspace(1.0, 0.0, fade)
    return tone * envelope
