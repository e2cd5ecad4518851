"""Festival's ked_diphone (concatenated recordings of a real speaker, residual-excited LPC): a
voice family unlike espeak-ng's formants or Piper's neural voice. Its intonation model takes a
target mean and spread of the pitch, and its duration model a stretch, so pitch and rate vary
without touching the formants."""

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

PROGRAM = "text2wave"
VOICE_DIRECTORY = Path("/usr/share/festival/voices/english/ked_diphone")
TIMEOUT_S = 30.0
INSTALL_HINT = "Debian/Ubuntu: sudo apt install festival festvox-kdlpc16k"


class FestivalError(RuntimeError):
    """text2wave failed; the message says how."""


@dataclass(frozen=True)
class FestivalSettings:
    """Pitch target (mean and standard deviation in Hz; ked's own are 105 and 15) and duration
    stretch (ked's own is 1.1; larger is slower)."""

    family: ClassVar[str] = "festival"
    f0_mean_hz: float = 105.0
    f0_std_hz: float = 15.0
    duration_stretch: float = 1.1


def unavailable_reason() -> str | None:
    if shutil.which(PROGRAM) is None:
        return f"Festival's text2wave is not installed ({INSTALL_HINT})"
    if not VOICE_DIRECTORY.is_dir():
        return f"Festival's ked_diphone voice is not installed ({INSTALL_HINT})"
    return None


def scheme(settings: FestivalSettings) -> list[str]:
    """text2wave arguments choosing ked and setting its intonation and duration targets."""
    targets = (
        f"(set! int_lr_params '((target_f0_mean {settings.f0_mean_hz:.1f}) "
        f"(target_f0_std {settings.f0_std_hz:.1f}) (model_f0_mean 170) (model_f0_std 34)))"
    )
    stretch = f"(Parameter.set 'Duration_Stretch {settings.duration_stretch:.3f})"
    return ["-eval", "(voice_ked_diphone)", "-eval", targets, "-eval", stretch]


def synthesize(text: str, settings: FestivalSettings) -> np.ndarray:
    """float32 speech at Hearth's rate (ked is recorded at 16 kHz already)."""
    with tempfile.TemporaryDirectory(prefix="hearth-festival-") as directory:
        path = Path(directory) / "speech.wav"
        try:
            subprocess.run(
                [PROGRAM, *scheme(settings), "-o", str(path)],
                input=text.encode(),
                capture_output=True,
                timeout=TIMEOUT_S,
                check=True,
            )
            with wave.open(str(path)) as reader:
                rate = reader.getframerate()
                raw = reader.readframes(reader.getnframes())
        except subprocess.TimeoutExpired as exc:
            raise FestivalError(f"text2wave took longer than {TIMEOUT_S:.0f} s") from exc
        except (subprocess.CalledProcessError, FileNotFoundError, wave.Error) as exc:
            raise FestivalError(f"text2wave failed for {text!r}: {exc}") from exc
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    return resample(samples, rate)
