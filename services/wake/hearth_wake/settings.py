"""Settings of the wake service (section `wake` of the config file)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from hearth.service import ServiceSection


class WakeSettings(ServiceSection):
    metrics_port: int = Field(9102, ge=0, le=65535)
    """Port of the /metrics endpoint."""
    engine: str = "embedding"
    """Wake-word engine: `embedding` (default), `pocketsphinx`, or one registered in the `hearth.wake_engines` entry-point group."""
    model: Path | None = None
    """Wake-word model file; empty means the shipped "hey hestia" model."""
    keyphrase: str = Field("hey hestia", min_length=1, max_length=100)
    """The phrase for engines that spot words without a trained model (pocketsphinx); the embedding engine's phrase is its model's."""
    sensitivity: float = Field(0.5, ge=0.0, le=1.0)
    """0..1; 0.5 is the model's calibrated threshold, higher wakes more easily (and falsely)."""
    site_sensitivity: dict[str, float] = {}
    """Per-site overrides of sensitivity, e.g. {living_room: 0.4} next to a TV."""
    refractory_s: float = Field(2.0, ge=0.1, le=10)
    """After a detection, ignore the same wake word for this long (one command, one session)."""
    frames_in_a_row: int = Field(1, ge=1, le=10)
    """Require this many consecutive frames above threshold; more means fewer false wakes but later."""
    threads: int = Field(1, ge=1, le=8)
    """Inference threads; one keeps a listening site cheap."""
    max_chunk_bytes: int = Field(64_000, ge=320)
    """Audio chunks larger than this (2 s) are refused: a client that sends them is broken."""
