"""espeak-ng voices (formant synthesis) through Hearth's one wrapper, hearth.espeak: English
accents and espeak-ng's speaker variants, at any speed and pitch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from hearth import espeak
from hearth_voices.audio import resample

TIMEOUT_S = 30.0


@dataclass(frozen=True)
class EspeakSettings:
    """``voice`` is an espeak-ng voice name, accent and optional variant (``en-gb-scotland+m3``);
    ``speed`` in words per minute; ``pitch`` on espeak-ng's 0-99 scale."""

    family: ClassVar[str] = "espeak"
    voice: str = "en-us"
    speed: int = 175
    pitch: int = 50


def unavailable_reason() -> str | None:
    if not espeak.available():
        return "espeak-ng is not installed (Debian/Ubuntu: sudo apt install espeak-ng)"
    return None


def synthesize(text: str, settings: EspeakSettings) -> np.ndarray:
    """float32 speech at Hearth's rate (full scale 1.0)."""
    arguments = espeak.voice_arguments(settings.voice, settings.speed, settings.pitch)
    samples, rate = espeak.wav_samples(espeak.speak(text, arguments, TIMEOUT_S))
    return resample(samples.astype(np.float32) / 32768.0, rate)
