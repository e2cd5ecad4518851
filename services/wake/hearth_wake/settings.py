"""Settings of the wake service (section `wake` of the config file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from hearth.service import ServiceSection


class WakeSettings(ServiceSection):
    metrics_port: int = Field(9102, ge=0, le=65535)
    """Port of the /metrics endpoint."""
    engine: str = "embedding"
    """Wake-word engine: `embedding` (default), `pocketsphinx`, `vosk`, or one registered in the
    `hearth.wake_engines` entry-point group."""
    engine_options: dict[str, Any] = {}
    """Options of a plug-in engine, checked against the options type it declares when the service
    starts (an unknown or invalid field stops it, named); built-in engines take the settings
    below instead, e.g. {model_path: /srv/snowboy/hestia.pmdl}."""
    model: Path | None = None
    """Wake-word model file; empty means the shipped "hey hestia" model."""
    keyphrase: str = Field("hey hestia", min_length=1, max_length=100)
    """The phrase for engines that spot words without a trained model (pocketsphinx, vosk); the
    embedding engine's phrase is its model's."""
    language: str = "en"
    """Language of the wake phrase; picks the Vosk model for the `vosk` engine and the `vosk`
    verifier, found as stt finds its own."""
    vosk_model_dir: Path | None = None
    """A Vosk model directory, or a directory of models; default: <data_dir>/models (where
    `hearth models pull` installs), then pip-installed model packages."""
    vosk_fillers: int | None = Field(None, ge=0, le=2000)
    """Filler words in the Vosk spotting grammar that soak up other speech; empty = none when the
    model has `[unk]`, else 100."""
    verify: Literal["auto", "off", "vosk", "whisper"] = "auto"
    """A second recogniser that confirms detections before they leave the wake service: `whisper`
    (Whisper scores the phrase against what it heard; the embedding engine then runs far more
    sensitively, so voices it never trained on wake Hearth, and a detection it is sure of goes out
    unchecked), `vosk` (a grammar-limited Vosk pass over every detection), `off`, or `auto`:
    `whisper` for the embedding engine when faster-whisper and the Whisper model are installed,
    else `off` (the log says why)."""
    verify_sensitivity: float = Field(0.5, ge=0.0, le=1.0)
    """0..1 for the verifier: higher confirms more easily (`vosk`: the phrase words' confidence it
    needs is 1 - this; `whisper`: what Whisper heard, with the phrase in place of a few of its
    words, may be 2 to 10 nats less likely than what it heard)."""
    verify_every_detection: bool = False
    """With `verify: whisper`, check even the detections the first stage is sure of (it passed its
    own calibrated threshold): fewer false wakes of the model's own, but the voices it hears best
    (ones like its training voices, or an enrolled one) then wait about a second for every wake
    and are sometimes refused (docs/wake-word.md has both figures)."""
    whisper_model: Literal["whisper-tiny", "whisper-base", "whisper-small"] = "whisper-base"
    """The Whisper model of `verify: whisper`, found as stt finds its own (<data_dir>/models, or
    joined from the whisper-base pip packages)."""
    whisper_model_dir: Path | None = None
    """A faster-whisper model directory to use instead of `whisper_model`."""
    sensitivity: float = Field(0.5, ge=0.0, le=1.0)
    """0..1; 0.5 is the model's calibrated threshold (with `verify: whisper`, a far lower one the
    check was measured with), higher wakes more easily (and falsely)."""
    site_sensitivity: dict[str, float] = {}
    """Per-site overrides of sensitivity, e.g. {living_room: 0.4} next to a TV."""
    refractory_s: float = Field(2.0, ge=0.1, le=10)
    """After a detection, ignore the same wake word for this long (one command, one session)."""
    frames_in_a_row: int | None = Field(None, ge=1, le=10)
    """Consecutive 80 ms frames over the threshold a detection needs; empty = the rule the model
    was calibrated with (2 for the shipped one). More means fewer false wakes, detected later."""
    threads: int = Field(1, ge=1, le=8)
    """Inference threads; one keeps a listening site cheap."""
    max_chunk_bytes: int = Field(64_000, ge=320)
    """Audio chunks larger than this (2 s) are refused: a client that sends them is broken."""
    max_detect_streams: int = Field(64, ge=1, le=1000)
    """Detect streams served at once (one per listening site; bench/listening_cpu.py streams 20);
    each costs inference on every chunk, so more are refused (RESOURCE_EXHAUSTED) rather than
    slowing every site down."""
