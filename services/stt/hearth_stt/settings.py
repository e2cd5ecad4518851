"""Settings of the speech-to-text service (section `stt` of the config file)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from hearth.service import ServiceSection


class SttSettings(ServiceSection):
    metrics_port: int = Field(9103, ge=0, le=65535)
    """Port of the /metrics endpoint."""
    engine: Literal["auto", "vosk", "pocketsphinx", "whisper"] = "auto"
    """`vosk`, `pocketsphinx`, `whisper`, or `auto`: Vosk when a Vosk model for the language is
    installed, else pocketsphinx (English only)."""
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
    whisper_model: Literal["whisper-tiny", "whisper-base", "whisper-small"] = "whisper-base"
    """The Whisper model (engine `whisper`): tiny is faster and worse, small slower and better;
    `hearth models pull NAME` installs one (whisper-base also comes from two pip packages)."""
    whisper_model_dir: Path | None = None
    """A faster-whisper model directory to use instead of `whisper_model` from
    <data_dir>/models."""
    beam_size: int = Field(1, ge=1, le=10)
    """Whisper's beam; 1 (greedy) decodes fastest, wider beams rarely help short commands."""
    threads: int = Field(2, ge=1, le=64)
    """CPU threads one Whisper decode uses."""
    compute_type: Literal["int8", "int8_float32", "int16", "float32"] = "int8"
    """Whisper's arithmetic; int8 is the fastest on CPUs and as accurate on commands."""
    max_waiting_decodes: int = Field(4, ge=0, le=100)
    """Whisper decodes one utterance at a time; this many more may wait, and further ones are
    dropped as not recognised (hearth_stt_decodes_refused_total), so a burst cannot pile up."""
