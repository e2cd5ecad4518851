"""Speaking with any family: which families this machine has, and one ``speak`` that gives the
same format (trimmed, levelled, 16 kHz int16) whichever synthesizer made the sound."""

from __future__ import annotations

import numpy as np

from hearth_voices import espeak_family, festival_family, flite_family, piper_family, sox
from hearth_voices.audio import REFERENCE_LEVEL_DBFS, set_level, to_int16, trim
from hearth_voices.espeak_family import EspeakSettings
from hearth_voices.festival_family import FestivalSettings
from hearth_voices.flite_family import FliteSettings
from hearth_voices.piper_family import PiperSettings
from hearth_voices.voice import FAMILIES, Settings, Voice


class FamilyUnavailable(RuntimeError):
    """A family cannot speak on this machine; the message says what to install."""


def unavailable_reason(family: str) -> str | None:
    """Why ``family`` cannot speak here, or None when it can."""
    if family not in FAMILIES:
        raise ValueError(f"unknown voice family {family!r}; known: {', '.join(FAMILIES)}")
    if not sox.available():
        return "sox is not installed (Debian/Ubuntu: sudo apt install sox)"
    checks = {
        "espeak": espeak_family.unavailable_reason,
        "festival": festival_family.unavailable_reason,
        "piper": piper_family.unavailable_reason,
        "flite": flite_family.unavailable_reason,
    }
    return checks[family]()


def available_families() -> dict[str, str | None]:
    """Every family and why it cannot speak here (None: it can). Callers decide what a missing
    family means; nothing here falls back to another family."""
    return {family: unavailable_reason(family) for family in FAMILIES}


def synthesize(text: str, settings: Settings) -> np.ndarray:
    """The family's own float speech at Hearth's rate, before any perturbation."""
    match settings:
        case EspeakSettings():
            return espeak_family.synthesize(text, settings)
        case FestivalSettings():
            return festival_family.synthesize(text, settings)
        case PiperSettings():
            return piper_family.synthesize(text, settings)
        case FliteSettings():
            return flite_family.synthesize(text, settings)
    raise TypeError(f"not a voice family's settings: {settings!r}")


def speak(text: str, voice: Voice) -> np.ndarray:
    """``text`` spoken by ``voice``: 16 kHz mono int16, trimmed to the speech with a short
    margin, at the reference level plus the voice's level offset.

    Raises FamilyUnavailable when the voice's family cannot speak on this machine.
    """
    reason = unavailable_reason(voice.family)
    if reason is not None:
        raise FamilyUnavailable(f"voice family {voice.family!r} is unavailable: {reason}")
    perturbation = voice.perturbation
    samples = trim(synthesize(text, voice.settings))
    samples = trim(sox.scale_tract(samples, perturbation.tract, perturbation.tempo))
    return to_int16(set_level(samples, REFERENCE_LEVEL_DBFS + perturbation.level_db))
