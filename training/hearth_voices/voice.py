"""A voice: one family's synthesizer settings plus the perturbation that turns a base voice into
a pseudo-speaker."""

from __future__ import annotations

from dataclasses import dataclass, field

from hearth_voices.espeak_family import EspeakSettings
from hearth_voices.festival_family import FestivalSettings
from hearth_voices.flite_family import FliteSettings
from hearth_voices.piper_family import PiperSettings

Settings = EspeakSettings | FestivalSettings | PiperSettings | FliteSettings
FAMILIES = ("espeak", "festival", "piper", "flite")


@dataclass(frozen=True)
class Perturbation:
    """Applied after synthesis. ``tract`` scales formants and pitch together (above 1: a shorter
    vocal tract, as in a smaller adult or a child); ``tempo`` scales the speaking rate at the
    same pitch; ``level_db`` is the loudness relative to hearth_voices.audio's reference
    level."""

    tract: float = 1.0
    tempo: float = 1.0
    level_db: float = 0.0


@dataclass(frozen=True)
class Voice:
    name: str
    settings: Settings = field(default_factory=EspeakSettings)
    perturbation: Perturbation = field(default_factory=Perturbation)

    @property
    def family(self) -> str:
        return self.settings.family
