"""Settings of the audio service (section `audio` of the config file)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from hearth.pcm import DEFAULT_MIC_COMMAND
from hearth.service import ServiceSection

DEFAULT_PLAYER_COMMAND = ("aplay", "-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r", "{rate}")
"""Plays raw mono S16_LE audio from stdin on the default ALSA device; `{rate}` becomes the
answer's sample rate."""


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
    output: Literal["player", "file", "none"] = "player"
    """Where spoken answers go: `player` pipes them to player_command (a speaker), `file` writes
    each site's latest answer to `<answers_dir>/<site>.wav` (`hearth up --demo`, tests), `none`
    plays nothing (a site without a speaker: each say request ends as NO_OUTPUT)."""
    player_command: tuple[str, ...] = DEFAULT_PLAYER_COMMAND
    """Command that plays raw mono S16_LE audio from its stdin, like mic_command records it;
    every `{rate}` in it is replaced by the sample rate of the answer."""
    output_rate: int = Field(0, ge=0, le=96_000)
    """Sample rate the answers are synthesised at; 0 keeps the voice's own rate (a player that
    needs one fixed rate sets it)."""
    answers_dir: Path | None = None
    """Where `file` output writes answers; default <data_dir>/answers."""
    answer_file_s: float = Field(3600.0, gt=0, le=86_400)
    """A written answer is deleted this long after it was written: answers can repeat what the
    user said, so they are kept no longer than a transcript would be."""
    say_queue: int = Field(4, ge=1, le=32)
    """Say requests that may wait while the site speaks; more are refused (FAILED, queue full)."""
    follow_up_listen_s: float = Field(4.0, ge=1.0, le=30.0)
    """After an answer that continues the conversation, how long the site waits for someone to
    start speaking before it ends the follow-up session (stt ends a session only after speech)."""
