"""The interface every speech engine implements: it lists the voices installed for it and loads one
by name; a loaded voice turns one sentence into samples.

Everything here may block (models load, inference runs): the service calls it in a thread.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class VoiceInfo:
    """What a client may choose from (ListVoices)."""

    name: str
    engine: str
    language: str
    """BCP 47-ish, lowercase: "en-us"."""
    sample_rate: int
    """The rate the voice speaks at before any resampling."""


class Voice(ABC):
    """A voice ready to speak."""

    info: VoiceInfo

    @abstractmethod
    def synthesize(self, text: str) -> np.ndarray:
        """int16 mono samples at ``info.sample_rate`` of one sentence."""

    def close(self) -> None:
        """Release the voice's model (it is being unloaded)."""


class TtsEngine(ABC):
    """One kind of synthesiser (Piper, espeak-ng, a plug-in)."""

    name: str

    @abstractmethod
    def voices(self) -> tuple[VoiceInfo, ...]:
        """The voices installed now (cheap: a directory listing at most)."""

    @abstractmethod
    def load_voice(self, name: str) -> Voice:
        """Load a voice; VoiceNotFoundError when it is not installed."""
