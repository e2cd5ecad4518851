"""CMU Flite's clustergen voices (statistical parametric voices built from the CMU ARCTIC
recordings of three real speakers: awb, Scottish English male; rms, US male; slt, US female): a
fourth family, unlike espeak-ng's formants, Festival's diphones or Piper's neural voice. Its
intonation takes a target pitch mean and its duration model a stretch.

Flite's ``kal`` voices are left out: they are Festival's kal_diphone speaker again, and a family
held out of training must not share a speaker with one trained on."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from hearth_voices.audio import resample

PROGRAM = "flite"
VOICES = ("awb", "rms", "slt")
TIMEOUT_S = 30.0
INSTALL_HINT = "Debian/Ubuntu: sudo apt install flite"


class FliteError(RuntimeError):
    """flite failed; the message says how."""


@dataclass(frozen=True)
class FliteSettings:
    """One of ``VOICES``, a target pitch mean in Hz (None: the voice's own) and a duration
    stretch (1.0 is the voice's own rate; larger is slower)."""

    family: ClassVar[str] = "flite"
    voice: str = "slt"
    f0_mean_hz: float | None = None
    duration_stretch: float = 1.0


def unavailable_reason() -> str | None:
    if shutil.which(PROGRAM) is None:
        return f"flite is not installed ({INSTALL_HINT})"
    return None


def arguments(text: str, settings: FliteSettings, output: Path) -> list[str]:
    """flite's command line for one utterance (the text as one argument: never a shell)."""
    if settings.voice not in VOICES:
        raise ValueError(f"unknown flite voice {settings.voice!r}; known: {', '.join(VOICES)}")
    pitch = (
        []
        if settings.f0_mean_hz is None
        else ["--setf", f"int_f0_target_mean={settings.f0_mean_hz:.1f}"]
    )
    return [
        PROGRAM,
        "-voice",
        settings.voice,
        "--setf",
        f"duration_stretch={settings.duration_stretch:.3f}",
        *pitch,
        "-t",
        text,
        "-o",
        str(output),
    ]


def synthesize(text: str, settings: FliteSettings) -> np.ndarray:
    """float32 speech at Hearth's rate (the clustergen voices speak at 16 kHz already)."""
    with tempfile.TemporaryDirectory(prefix="hearth-flite-") as directory:
        path = Path(directory) / "speech.wav"
        try:
            subprocess.run(
                arguments(text, settings, path), capture_output=True, timeout=TIMEOUT_S, check=True
            )
            with wave.open(str(path)) as reader:
                rate = reader.getframerate()
                raw = reader.readframes(reader.getnframes())
        except subprocess.TimeoutExpired as exc:
            raise FliteError(f"flite took longer than {TIMEOUT_S:.0f} s") from exc
        except (subprocess.CalledProcessError, FileNotFoundError, wave.Error) as exc:
            raise FliteError(f"flite failed: {exc}") from exc
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return resample(samples, rate)
