"""Settings of the audio service (section `audio` of the config file)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from hearth.pcm import DEFAULT_MIC_COMMAND
from hearth.service import ServiceSection


class AudioSettings(ServiceSection):
    metrics_port: int = Field(9101, ge=0, le=65535)
    """Port of the /metrics endpoint."""
    site: str = "living_room"
    """The room this microphone is in; must be one of the configured sites."""
    source: Literal["mic", "file", "none"] = "mic"
    """`mic` runs mic_command, `file` plays `file`, `none` captures nothing (a stack without a
    microphone)."""
    mic_command: tuple[str, ...] = DEFAULT_MIC_COMMAND
    """Command that writes raw 16 kHz mono S16_LE audio to stdout; it is stopped (device closed)
    whenever capture must stop."""
    file: Path | None = None
    """WAV file to play when source is `file`."""
    realtime: bool = True
    """Play files at the speed of a microphone; false sends them as fast as the stack accepts."""
    chunk_ms: int = Field(20, ge=10, le=200)
    """Audio is captured and streamed in chunks of this length."""
    preroll_s: float = Field(0.2, ge=0.0, le=2.0)
    """Audio from before the wake detection sent to stt, so a command spoken without a pause is
    not clipped.

    Policy's preroll_s bounds it. More than ~0.3 s carries the end of the wake phrase into the
    transcript as a stray word (the intent service tolerates two such words)."""
    trailing_silence_s: float = Field(2.0, ge=0.0, le=10.0)
    """Silence appended after a file ends, as a microphone would keep hearing, so stt can detect
    the end of speech."""
    retry_s: float = Field(2.0, gt=0, le=60)
    """Wait before retrying a failed microphone, wake stream or policy lease."""
