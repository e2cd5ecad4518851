"""sox effects on float samples through pipes: tempo and vocal-tract changes that sound natural
(WSOLA) without a phase vocoder of our own. sox is one of Hearth's system packages."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence

import numpy as np

from hearth.pcm import SAMPLE_RATE

PROGRAM = "sox"
TIMEOUT_S = 60.0
RAW_FLOAT = ("-t", "raw", "-e", "floating-point", "-b", "32", "-c", "1", "-r", str(SAMPLE_RATE))


class SoxError(RuntimeError):
    """sox is missing or failed; the message says what to install or what went wrong."""


def available() -> bool:
    return shutil.which(PROGRAM) is not None


def apply_effects(samples: np.ndarray, effects: Sequence[str]) -> np.ndarray:
    """Run float32 samples at Hearth's rate through sox ``effects``; float output needs no
    dither, so the result is the same on every run."""
    if not available():
        raise SoxError("sox is not installed; install it (Debian/Ubuntu: sudo apt install sox)")
    command = [PROGRAM, "-D", "-V1", *RAW_FLOAT, "-", *RAW_FLOAT, "-", *effects]
    try:
        result = subprocess.run(
            command,
            input=samples.astype("<f4").tobytes(),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=True,
        )
    except subprocess.TimeoutExpired as exc:
        raise SoxError(f"sox took longer than {TIMEOUT_S:.0f} s") from exc
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace")[:200]
        raise SoxError(f"sox failed ({' '.join(effects)}): {detail}") from exc
    return np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)


def change_tempo(samples: np.ndarray, factor: float) -> np.ndarray:
    """Faster (factor > 1) or slower speech at the same pitch and formants."""
    if factor == 1.0:
        return samples
    return apply_effects(samples, ["tempo", "-s", f"{factor:.4f}"])


def scale_tract(samples: np.ndarray, tract: float, tempo: float = 1.0) -> np.ndarray:
    """Formants and pitch scaled together by ``tract`` (as a shorter or longer vocal tract and
    smaller or larger larynx do), the speaking rate by ``tempo``: sox `speed` moves every
    frequency, `tempo` then puts the duration where ``tempo`` asks."""
    if tract == 1.0:
        return change_tempo(samples, tempo)
    effects = ["speed", f"{tract:.4f}", "rate", "-h", str(SAMPLE_RATE)]
    if tempo / tract != 1.0:
        effects += ["tempo", "-s", f"{tempo / tract:.4f}"]
    return apply_effects(samples, effects)
