"""Festival's diphone voices (concatenated recordings of two real speakers, residual-excited LPC:
ked and kal, both US male): a voice family unlike espeak-ng's formants or Piper's neural voice.
Its intonation model takes a target mean and spread of the pitch, and its duration model a
stretch, so pitch and rate vary without touching the formants.

Starting Festival costs half a second, twenty times the synthesis of a short command, so each
process keeps one Festival running and sends it one utterance at a time."""

from __future__ import annotations

import select
import shutil
import subprocess
import tempfile
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import IO, ClassVar

import numpy as np

from hearth_voices.audio import resample

PROGRAM = "festival"
VOICE_ROOT = Path("/usr/share/festival/voices/english")
VOICES = ("ked_diphone", "kal_diphone")
TIMEOUT_S = 30.0
INSTALL_HINT = "Debian/Ubuntu: sudo apt install festival festvox-kdlpc16k festvox-kallpc16k"
DONE = b"HEARTH-FESTIVAL-DONE"


class FestivalError(RuntimeError):
    """text2wave failed; the message says how."""


@dataclass(frozen=True)
class FestivalSettings:
    """One of ``VOICES``, a pitch target (mean and standard deviation in Hz; ked's own are 105 and
    15) and a duration stretch (ked's own is 1.1; larger is slower)."""

    family: ClassVar[str] = "festival"
    voice: str = "ked_diphone"
    f0_mean_hz: float = 105.0
    f0_std_hz: float = 15.0
    duration_stretch: float = 1.1


def unavailable_reason() -> str | None:
    if shutil.which(PROGRAM) is None:
        return f"Festival is not installed ({INSTALL_HINT})"
    missing = [voice for voice in VOICES if not (VOICE_ROOT / voice).is_dir()]
    if missing:
        return f"Festival's {', '.join(missing)} voice is not installed ({INSTALL_HINT})"
    return None


def scheme(text: str, settings: FestivalSettings, output: Path) -> str:
    """The Scheme that speaks ``text`` with the settings' voice and targets into ``output``, then
    prints the marker the caller waits for."""
    if settings.voice not in VOICES:
        raise ValueError(f"unknown Festival voice {settings.voice!r}; known: {', '.join(VOICES)}")
    quoted = text.replace("\\", " ").replace('"', " ")
    return (
        f"(voice_{settings.voice})\n"
        f"(set! int_lr_params '((target_f0_mean {settings.f0_mean_hz:.1f}) "
        f"(target_f0_std {settings.f0_std_hz:.1f}) (model_f0_mean 170) (model_f0_std 34)))\n"
        f"(Parameter.set 'Duration_Stretch {settings.duration_stretch:.3f})\n"
        f'(utt.save.wave (utt.synth (Utterance Text "{quoted}")) "{output}" \'riff)\n'
        f'(system "echo {DONE.decode()}")\n'
    )


class FestivalProcess:
    """One running Festival, fed one utterance at a time; started again if it died.

    Its own prints are buffered until it exits, so each request ends with a shell ``echo`` of a
    marker, which reaches the pipe at once."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def speak(self, text: str, settings: FestivalSettings) -> np.ndarray:
        with self._lock, tempfile.TemporaryDirectory(prefix="hearth-festival-") as directory:
            path = Path(directory) / "speech.wav"
            process = self.running()
            assert process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(scheme(text, settings, path).encode())
                process.stdin.flush()
                _wait_for_marker(process.stdout, TIMEOUT_S)
                with wave.open(str(path)) as reader:
                    rate = reader.getframerate()
                    raw = reader.readframes(reader.getnframes())
            except (OSError, wave.Error, FestivalError) as exc:
                self._stop()
                raise FestivalError(f"Festival failed: {exc}") from exc
        samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
        return resample(samples, rate)

    def running(self) -> subprocess.Popen[bytes]:
        """The Festival process, started when there is none or the last one died."""
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [PROGRAM, "--pipe"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
        return self._process

    def _stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None


def _wait_for_marker(stream: IO[bytes], timeout_s: float) -> None:
    """Read Festival's output until the marker line; its other output (errors) goes into the
    exception when the marker does not come."""
    seen = b""
    while DONE not in seen:
        ready, _, _ = select.select([stream], [], [], timeout_s)
        if not ready:
            raise FestivalError(f"no answer within {timeout_s:.0f} s")
        chunk = stream.read1(4096)  # type: ignore[attr-defined]
        if not chunk:
            raise FestivalError(f"Festival exited: {seen.decode(errors='replace')[-300:]}")
        seen += chunk


PROCESS = FestivalProcess()
"""This process's Festival; it exits by itself when this process ends and its input closes."""


def synthesize(text: str, settings: FestivalSettings) -> np.ndarray:
    """float32 speech at Hearth's rate (the diphone voices are recorded at 16 kHz already)."""
    return PROCESS.speak(text, settings)
