"""Settings of the speech service (section `tts` of the config file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from hearth import events
from hearth.service import ServiceSection

DEFAULT_VOICE = "en_US-joe-medium"
TRANSCRIPT_RETENTION_S = 86_400
"""The default retention of transcripts (policy.retention.transcript_s): answers can repeat what
the user said, so the phrase cache never keeps them longer."""


class TtsSettings(ServiceSection):
    metrics_port: int = Field(9106, ge=0, le=65535)
    """Port of the /metrics endpoint."""
    default_voice: str = Field(DEFAULT_VOICE, min_length=1)
    """The voice of requests that name none: a Piper voice (`en_US-joe-medium` ships in a pip
    package; others come from `hearth models pull piper-<voice>`) or an espeak-ng one
    (`espeak:<language>`, e.g. `espeak:de`). Loaded when the service starts."""
    engines: tuple[str, ...] = ("piper", "espeak")
    """The engines whose voices are offered: `piper`, `espeak`, or one registered in the
    `hearth.tts_engines` entry-point group."""
    engine_options: dict[str, dict[str, Any]] = {}
    """Options of plug-in engines, by engine name, checked against the options type each declares
    when the service starts; built-in engines take the settings below instead."""
    piper_voice_dir: Path | None = None
    """Where Piper voices (`<name>.onnx` with `<name>.onnx.json`) are found besides the
    pip-installed default; empty: <data_dir>/models/piper, where `hearth models pull` puts them."""
    piper_threads: int = Field(1, ge=1, le=16)
    """Inference threads of one Piper synthesis; one is as fast on short sentences on 2 cores and
    leaves the other core to the rest of the stack (docs/benchmarks.md)."""
    length_scale: float = Field(1.0, ge=0.5, le=2.0)
    """Piper's speaking pace: above 1 slower, below 1 faster."""
    espeak_speed: int = Field(165, ge=80, le=450)
    """espeak-ng's words per minute."""
    max_loaded_voices: int = Field(2, ge=1, le=16)
    """Piper voices kept in memory (about 60 MB each); asking for another unloads the least
    recently used one."""
    max_text_chars: int = Field(events.MAX_TRANSCRIPT_CHARS, ge=1, le=100_000)
    """Longer text is refused (INVALID_ARGUMENT): as long as a transcript may be."""
    max_sentence_chars: int = Field(80, ge=20, le=10_000)
    """A longer sentence is split at a comma or a space: a short piece is heard sooner and takes
    less memory to synthesise (Piper needs about 30 MB per second of a piece at once: a
    172-character sentence whole peaked at 356 MB, in pieces of 80 at 269 MB)."""
    cache_s: float = Field(300.0, ge=0, le=TRANSCRIPT_RETENTION_S)
    """How long a synthesised sentence stays in the phrase cache (memory only, never on disk);
    0 turns the cache off. At most a day, the default retention of transcripts, because answers
    can contain what the user said."""
    cache_entries: int = Field(128, ge=0, le=100_000)
    """Sentences the phrase cache holds at most (the least recently used leave first)."""
    cache_mb: float = Field(8.0, ge=0, le=1024)
    """Audio the phrase cache holds at most, in megabytes (a second at 22 kHz is 44 kB)."""
    max_concurrent: int = Field(1, ge=1, le=16)
    """Sentences synthesised at once; one keeps a 2-core machine responsive."""
    max_waiting: int = Field(8, ge=0, le=1000)
    """Requests that may wait for a synthesis slot; more are refused (RESOURCE_EXHAUSTED) so a
    burst cannot pile up."""

    @model_validator(mode="after")
    def _default_voice_is_offered(self) -> TtsSettings:
        engine = "espeak" if self.default_voice.startswith("espeak:") else None
        if engine is not None and engine not in self.engines:
            raise ValueError(f"default_voice {self.default_voice!r} needs the {engine} engine")
        return self
