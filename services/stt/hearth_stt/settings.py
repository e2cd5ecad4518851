"""Settings of the speech-to-text service (section `stt` of the config file)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from hearth.service import ServiceSection


class SttSettings(ServiceSection):
    metrics_port: int = Field(9103, ge=0, le=65535)
    """Port of the /metrics endpoint."""
    engine: Literal["auto", "vosk", "pocketsphinx"] = "auto"
    """`vosk`, `pocketsphinx`, or `auto`: Vosk when a Vosk model for the language is installed,
    else pocketsphinx (English only)."""
    language: str = "en"
    """Language of the speech; must match the intent service's language."""
    mode: Literal["grammar", "open"] = "grammar"
    """`grammar` constrains recognition to the sentences the intent service accepts (fast,
    accurate); `open` hears anything."""
    model_dir: Path | None = None
    """A Vosk model directory, or a directory of models; default: pip-installed model packages,
    then <data_dir>/models."""
    end_silence_s: float = Field(0.6, ge=0.2, le=3.0)
    """Trailing silence that ends an utterance."""
    max_chunk_bytes: int = Field(64_000, ge=320)
    """Audio chunks larger than this (2 s) are refused."""
