"""What every engine's options have in common: the language, the mode and the endpointing.

Each engine has its own options type (``VoskOptions``, ``PocketsphinxOptions``, ``WhisperOptions``)
built on this one, so an engine is configured with exactly what it understands, not with the
service's settings.
"""

from __future__ import annotations

from dataclasses import dataclass

MODES = ("grammar", "open")


@dataclass(frozen=True)
class RecognitionOptions:
    language: str
    mode: str = "grammar"
    end_silence_s: float = 0.6
    # How many hypotheses to ask the decoder for; in grammar mode the best one
    # that is exactly a vocabulary sentence wins (the decoders' "grammars" are
    # backoff n-grams that also allow word sequences no template accepts).
    max_alternatives: int = 10

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"stt mode must be one of {MODES}, got {self.mode!r}")
        if not 0.1 <= self.end_silence_s <= 10.0:
            raise ValueError(
                f"stt end_silence_s must be between 0.1 and 10 seconds, got {self.end_silence_s}"
            )
        if self.max_alternatives < 0:
            raise ValueError(
                f"stt max_alternatives must not be negative, got {self.max_alternatives}"
            )
