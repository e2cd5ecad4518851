"""Pseudo-speakers: many reproducible voices per family from a few base voices.

Each family's own controls are drawn over a household's range, then every voice gets a
perturbation (hearth_voices.voice.Perturbation). Ranges:

- espeak: accents x variants (below), speed 130-210 words per minute, pitch 15-85 (of 0-99);
- festival: ked (kal is there for callers that choose it), pitch mean 80-170 Hz, pitch
  spread 8-30 Hz, duration stretch 0.95-1.3;
- flite: awb, rms or slt, pitch mean 0.8-1.25 of the voice's own, duration stretch 0.85-1.25;
- piper: length_scale 0.85-1.2, noise_scale 0.4-0.9, noise_w_scale 0.5-1.0, and a noise seed;
- every family: tract 0.88-1.16 (formants and pitch, about -2.2 to +2.6 semitones), tempo
  0.88-1.12, level -12 to 0 dB.

Held-out speakers never overlap the others: espeak holds out whole accents and variants, and every
family holds out two bands of the tract range, so a benchmark can use voices that no calibration
or training touched.
"""

from __future__ import annotations

import numpy as np

from hearth_voices.espeak_family import EspeakSettings
from hearth_voices.festival_family import FestivalSettings
from hearth_voices.flite_family import VOICES as FLITE_VOICES
from hearth_voices.flite_family import FliteSettings
from hearth_voices.piper_family import PiperSettings
from hearth_voices.voice import FAMILIES, Perturbation, Settings, Voice

Band = tuple[float, float]

ESPEAK_ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-us-nyc", "en-gb-x-gbclan")
ESPEAK_VARIANTS = ("", "m1", "m3", "m7", "f1", "f3", "f5", "klatt", "Andy", "Annie", "Michael")
HELD_OUT_ESPEAK_ACCENTS = ("en-029", "en-gb-x-gbcwmd")
HELD_OUT_ESPEAK_VARIANTS = ("m6", "f4", "steph2", "belinda")
ESPEAK_SPEED = (130, 210)
ESPEAK_PITCH = (15, 85)
FESTIVAL_F0_MEAN_HZ = (80.0, 170.0)
FESTIVAL_F0_STD_HZ = (8.0, 30.0)
FESTIVAL_DURATION_STRETCH = (0.95, 1.3)
FLITE_OWN_F0_HZ = {"awb": 110.0, "rms": 105.0, "slt": 170.0}
"""Each flite voice's own pitch mean, roughly: pseudo-speakers scale it."""
FLITE_F0_FACTOR = (0.8, 1.25)
FLITE_DURATION_STRETCH = (0.85, 1.25)
PIPER_LENGTH_SCALE = (0.85, 1.2)
PIPER_NOISE_SCALE = (0.4, 0.9)
PIPER_NOISE_W_SCALE = (0.5, 1.0)
TRACT = (0.88, 1.16)
HELD_OUT_TRACT_BANDS: tuple[Band, ...] = ((0.93, 0.96), (1.06, 1.09))
TEMPO = (0.88, 1.12)
LEVEL_DB = (-12.0, 0.0)


def base_voice(family: str) -> Voice:
    """The family's own voice with its defaults and no perturbation."""
    settings: dict[str, Settings] = {
        "espeak": EspeakSettings(),
        "festival": FestivalSettings(),
        "piper": PiperSettings(),
        "flite": FliteSettings(),
    }
    if family not in settings:
        raise ValueError(f"unknown voice family {family!r}; known: {', '.join(FAMILIES)}")
    return Voice(name=f"{family}-base", settings=settings[family])


def sample_voices(family: str, count: int, seed: int, held_out: bool = False) -> list[Voice]:
    """``count`` pseudo-speakers of ``family``, the same for the same seed; ``held_out`` gives
    speakers from the held-out part of the ranges only (and never otherwise)."""
    if family not in FAMILIES:
        raise ValueError(f"unknown voice family {family!r}; known: {', '.join(FAMILIES)}")
    rng = np.random.default_rng([seed, FAMILIES.index(family), int(held_out)])
    voices = []
    for index in range(count):
        settings = _settings(family, held_out, rng)
        perturbation = Perturbation(
            tract=round(_tract(held_out, rng), 3),
            tempo=round(float(rng.uniform(*TEMPO)), 3),
            level_db=round(float(rng.uniform(*LEVEL_DB)), 1),
        )
        name = f"{family}-{'held-out-' if held_out else ''}{seed}-{index}"
        voices.append(Voice(name=name, settings=settings, perturbation=perturbation))
    return voices


def _settings(family: str, held_out: bool, rng: np.random.Generator) -> Settings:
    if family == "espeak":
        accents = HELD_OUT_ESPEAK_ACCENTS if held_out else ESPEAK_ACCENTS
        variants = HELD_OUT_ESPEAK_VARIANTS if held_out else ESPEAK_VARIANTS
        accent, variant = str(rng.choice(accents)), str(rng.choice(variants))
        return EspeakSettings(
            voice=f"{accent}+{variant}" if variant else accent,
            speed=int(rng.integers(*ESPEAK_SPEED, endpoint=True)),
            pitch=int(rng.integers(*ESPEAK_PITCH, endpoint=True)),
        )
    if family == "festival":
        return FestivalSettings(
            f0_mean_hz=round(float(rng.uniform(*FESTIVAL_F0_MEAN_HZ)), 1),
            f0_std_hz=round(float(rng.uniform(*FESTIVAL_F0_STD_HZ)), 1),
            duration_stretch=round(float(rng.uniform(*FESTIVAL_DURATION_STRETCH)), 3),
        )
    if family == "flite":
        voice = str(rng.choice(FLITE_VOICES))
        factor = float(rng.uniform(*FLITE_F0_FACTOR))
        return FliteSettings(
            voice=voice,
            f0_mean_hz=round(FLITE_OWN_F0_HZ[voice] * factor, 1),
            duration_stretch=round(float(rng.uniform(*FLITE_DURATION_STRETCH)), 3),
        )
    return PiperSettings(
        length_scale=round(float(rng.uniform(*PIPER_LENGTH_SCALE)), 3),
        noise_scale=round(float(rng.uniform(*PIPER_NOISE_SCALE)), 3),
        noise_w_scale=round(float(rng.uniform(*PIPER_NOISE_W_SCALE)), 3),
        noise_seed=int(rng.integers(2**31)),
    )


def in_bands(value: float, bands: tuple[Band, ...]) -> bool:
    return any(low <= value < high for low, high in bands)


def _tract(held_out: bool, rng: np.random.Generator) -> float:
    """A tract factor inside the held-out bands when ``held_out``, outside them otherwise."""
    if held_out:
        low, high = HELD_OUT_TRACT_BANDS[int(rng.integers(len(HELD_OUT_TRACT_BANDS)))]
        return float(rng.uniform(low, high))
    while True:
        value = float(rng.uniform(*TRACT))
        if not in_bands(round(value, 3), HELD_OUT_TRACT_BANDS):
            return value
