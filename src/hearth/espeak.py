"""espeak-ng, the synthesizer every Hearth machine has: the demo, wake-word training and the tests
all speak through this one wrapper, so a voice means the same thing everywhere.

It returns what espeak-ng wrote (a WAV at its own rate, 22.05 kHz); converting to Hearth's 16 kHz is
the caller's business, because the callers measure different things (training trims and resamples
in numpy, the audio path converts files like any other WAV).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np

PROGRAM = "espeak-ng"
TIMEOUT_S = 60.0


class SynthesisError(RuntimeError):
    """espeak-ng is missing or failed; the message says what to install or what went wrong."""


def available() -> bool:
    return shutil.which(PROGRAM) is not None


def voice_arguments(
    voice: str = "en-us", speed: int | None = None, pitch: int | None = None
) -> list[str]:
    """espeak-ng's options for a voice, words per minute and pitch (0-99); None keeps its
    default."""
    arguments = ["-v", voice]
    if speed is not None:
        arguments += ["-s", str(speed)]
    if pitch is not None:
        arguments += ["-p", str(pitch)]
    return arguments


def speak(
    text: str, arguments: Sequence[str] = ("-v", "en-us"), timeout_s: float = TIMEOUT_S
) -> bytes:
    """The WAV espeak-ng makes of ``text`` with ``arguments`` (see voice_arguments)."""
    if not available():
        raise SynthesisError(
            "espeak-ng is not installed; install it (Debian/Ubuntu: sudo apt install espeak-ng)"
        )
    try:
        result = subprocess.run(
            [PROGRAM, *arguments, "--stdout", text],
            capture_output=True,
            timeout=timeout_s,
            check=True,
        )
    except subprocess.TimeoutExpired as exc:
        raise SynthesisError(f"espeak-ng took longer than {timeout_s:.0f} s") from exc
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace")[:200]
        raise SynthesisError(f"espeak-ng failed ({' '.join(arguments)}): {detail}") from exc
    return result.stdout


def speak_to_file(
    text: str, path: Path, arguments: Sequence[str] = ("-v", "en-us"), timeout_s: float = TIMEOUT_S
) -> Path:
    """Write the spoken ``text`` to ``path`` as a WAV with a correct header."""
    samples, rate = wav_samples(speak(text, arguments, timeout_s))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return path


def wav_samples(wav: bytes) -> tuple[np.ndarray, int]:
    """int16 samples and rate of espeak-ng's WAV: when it writes to a pipe, the header's lengths are
    unknown, so the frames are read past the 44-byte header directly."""
    with wave.open(io.BytesIO(wav[:44] + b"\0\0")) as reader:
        rate = reader.getframerate()
    raw = wav[44:]
    return np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2"), rate
