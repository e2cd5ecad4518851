"""Recording enrollment takes with the site's own microphone command (`hearth wake enroll
--record N`).

Enrollment works best on the microphone and room the owner will actually use, so the takes are
recorded with the same command the audio service captures with (`audio.mic_command`, `arecord`
by default), not a phone. Each take is checked at once (speech found, not too long, not clipped)
and recorded again, up to ``ATTEMPTS`` times, with the reason, instead of failing after all of them.

The takes are the owner's voice: they are written only where the owner asked (``--keep DIR``) or
to a private temporary directory that is deleted when enrollment ends.
"""

from __future__ import annotations

import subprocess
import threading
import time
import wave
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict

from hearth.pcm import BYTES_PER_SECOND, DEFAULT_MIC_COMMAND, SAMPLE_RATE
from hearth.settings import SettingsError, load_settings
from hearth_wake_train.enroll import EnrollmentError, check_sample

TAKE_S = 3.0
ATTEMPTS = 3
PAUSE_S = 1.0  # between takes: time to breathe and read the next prompt
START_TIMEOUT_S = 5.0  # extra time the microphone command may take to deliver a take


class MicrophoneSetting(BaseModel):
    """The one setting of the `audio` section enrollment reads: the audio service owns the
    section and validates the rest of it (so its other keys are ignored here, not refused)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    mic_command: tuple[str, ...] = DEFAULT_MIC_COMMAND
    """Command that writes raw 16 kHz mono S16_LE audio to stdout (as for the audio service)."""


def configured_mic_command(config_path: Path | None) -> tuple[str, ...]:
    """`audio.mic_command` from the config file (and HEARTH__AUDIO__MIC_COMMAND), as the audio
    service would read it."""
    try:
        _, setting = load_settings("audio", MicrophoneSetting, config_path)
    except SettingsError as exc:
        raise EnrollmentError(str(exc)) from exc
    return setting.mic_command


class Microphone:
    """Runs the microphone command for one take and returns exactly ``seconds`` of raw PCM."""

    def __init__(self, command: Sequence[str]) -> None:
        if not command:
            raise EnrollmentError(
                "audio.mic_command is empty: set the command that records your microphone."
            )
        self.command = tuple(command)

    def record(self, seconds: float) -> bytes:
        wanted = int(seconds * SAMPLE_RATE) * 2
        try:
            process = subprocess.Popen(
                self.command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            raise EnrollmentError(
                f"Cannot start the microphone command {self.command[0]!r}: {exc.strerror}."
            ) from exc
        assert process.stdout is not None and process.stderr is not None
        chunks: list[bytes] = []
        reader = threading.Thread(
            target=_read_into, args=(process.stdout, wanted, chunks), daemon=True
        )
        reader.start()
        reader.join(seconds + START_TIMEOUT_S)
        process.terminate()
        try:
            process.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        data = b"".join(chunks)
        if len(data) < wanted:
            detail = process.stderr.read(2000).decode(errors="replace").strip().splitlines()
            hint = f": {detail[-1]}" if detail else ""
            busy = (
                " If Hearth is listening on this microphone, mute the site first "
                "(hearth mute SITE)."
                if "busy" in hint.lower()
                else ""
            )
            raise EnrollmentError(
                f"The microphone command {' '.join(self.command)!r} delivered "
                f"{len(data) / BYTES_PER_SECOND:.1f} s of the {seconds:.1f} s asked for"
                f"{hint}.{busy}"
            )
        return data[:wanted]


def _read_into(stream: IO[bytes], wanted: int, chunks: list[bytes]) -> None:
    got = 0
    while got < wanted:
        chunk = stream.read(min(65536, wanted - got))
        if not chunk:
            return
        chunks.append(chunk)
        got += len(chunk)


def record_takes(
    microphone: Microphone,
    count: int,
    directory: Path,
    phrase: str,
    say: Callable[[str], None] = print,
    *,
    seconds: float = TAKE_S,
    pause_s: float = PAUSE_S,
) -> list[Path]:
    """Record ``count`` checked takes of the phrase into ``directory`` and return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(1, count + 1):
        path = directory / f"take{number}.wav"
        for attempt in range(1, ATTEMPTS + 1):
            time.sleep(pause_s)
            say(f'take {number} of {count}: say "{phrase}" now ({seconds:.0f} s)')
            _write_wav(path, microphone.record(seconds))
            try:
                check_sample(path)
                break
            except EnrollmentError as exc:
                if attempt == ATTEMPTS:
                    raise EnrollmentError(f"Take {number} failed {ATTEMPTS} times: {exc}") from exc
                say(f"  that take did not work: {exc} Again:")
        paths.append(path)
    return paths


def _write_wav(path: Path, pcm: bytes) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm)
