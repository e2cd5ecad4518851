"""Speech for benchmarks, tests and wake-word training: several independent voice families
(espeak-ng, Festival, Piper), reproducible pseudo-speakers made from each, and the rooms, noises,
microphones and distances they are heard through. Everything is made at run time, offline, from
a seed; no recording ships with Hearth (docs/voices.md)."""

from hearth_voices.conditions import (
    STANDARD_CONDITIONS,
    Condition,
    Room,
    apply,
    sample_conditions,
)
from hearth_voices.families import FamilyUnavailable, available_families, speak
from hearth_voices.speakers import base_voice, sample_voices
from hearth_voices.voice import FAMILIES, Perturbation, Voice

__all__ = [
    "FAMILIES",
    "STANDARD_CONDITIONS",
    "Condition",
    "FamilyUnavailable",
    "Perturbation",
    "Room",
    "Voice",
    "apply",
    "available_families",
    "base_voice",
    "sample_conditions",
    "sample_voices",
    "speak",
]
