"""Background noises at unit RMS: white, pink and brown (fans, traffic, rumble), mains hum, and
babble (several espeak-ng talkers at once, the hardest for a recogniser because it is speech)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from hearth.pcm import SAMPLE_RATE
from hearth_voices.audio import trim
from hearth_voices.espeak_family import EspeakSettings, synthesize

NOISE_KINDS = ("white", "pink", "brown", "hum", "babble")
SPECTRAL_EXPONENTS = {"white": 0.0, "pink": 1.0, "brown": 2.0}
BABBLE_TALKERS = (
    EspeakSettings("en-gb+m3", 165, 35),
    EspeakSettings("en-us+f3", 180, 70),
    EspeakSettings("en-gb-x-rp+m7", 150, 45),
    EspeakSettings("en-us-nyc+f5", 190, 60),
)
BABBLE_SENTENCES = (
    "did you see the weather for tomorrow morning",
    "we could go to the market after lunch if it stops raining",
    "I left the keys on the table next to the door",
    "the children are playing in the garden with the neighbours",
    "can you pass me the salt and the pepper please",
    "the train was late again so I missed the start of the meeting",
)


def noise(kind: str, length: int, rng: np.random.Generator) -> np.ndarray:
    """``length`` samples of ``kind`` at unit RMS."""
    if kind in SPECTRAL_EXPONENTS:
        track = coloured(rng.standard_normal(length), SPECTRAL_EXPONENTS[kind])
    elif kind == "hum":
        track = hum(length, rng)
    elif kind == "babble":
        track = babble(length, rng)
    else:
        raise ValueError(f"unknown noise {kind!r}; known: {', '.join(NOISE_KINDS)}")
    return (track / max(float(np.sqrt(np.mean(np.square(track)))), 1e-12)).astype(np.float32)


def coloured(white: np.ndarray, exponent: float) -> np.ndarray:
    """Noise whose power falls as 1/f**exponent (0 white, 1 pink, 2 brown)."""
    spectrum = np.fft.rfft(white)
    frequencies = np.fft.rfftfreq(white.size, 1.0 / SAMPLE_RATE)
    spectrum /= np.maximum(frequencies, 20.0) ** (exponent / 2.0)
    return np.fft.irfft(spectrum, white.size)


def hum(length: int, rng: np.random.Generator) -> np.ndarray:
    """Mains hum (50 or 60 Hz and its harmonics) over a faint hiss."""
    t = np.arange(length) / SAMPLE_RATE
    base = 50.0 if rng.random() < 0.5 else 60.0
    tone = sum(
        np.sin(2 * np.pi * base * harmonic * t + rng.uniform(0, 2 * np.pi)) / harmonic
        for harmonic in range(1, 6)
    )
    return np.asarray(tone) + 0.05 * rng.standard_normal(length)


@lru_cache(maxsize=1)
def babble_track() -> np.ndarray:
    """The talkers' sentences, each talker's run end to end, all talkers summed (made once)."""
    runs = [
        np.concatenate([trim(synthesize(sentence, talker)) for sentence in BABBLE_SENTENCES])
        for talker in BABBLE_TALKERS
    ]
    runs = [np.roll(run, index * run.size // len(runs)) for index, run in enumerate(runs)]
    length = min(run.size for run in runs)
    return np.sum([run[:length] for run in runs], axis=0).astype(np.float32)


def babble(length: int, rng: np.random.Generator) -> np.ndarray:
    """A stretch of the babble track from a random place (repeated if the clip is longer)."""
    track = babble_track()
    start = int(rng.integers(track.size))
    return np.resize(np.roll(track, -start), length)
