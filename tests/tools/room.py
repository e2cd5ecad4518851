"""A simulated room for the stack tests: what the site's speaker plays, its microphone hears, mixed
with what a person says, all in real time.

    python room.py player ROOM RATE   the player command: takes raw mono S16_LE at RATE on stdin,
                                      plays it in real time: appends it, at 16 kHz, to ROOM/air.raw
                                      (what the room hears), and keeps each answer whole as
                                      ROOM/played-<n>.wav at its own rate
    python room.py mic ROOM           the microphone command: streams 16 kHz raw to stdout in real
                                      time, silence plus what is in the air (the speaker, a little
                                      quieter, as a microphone across the room hears it) plus a
                                      person: each time the file ROOM/cue appears, the 16 kHz WAV
                                      whose path it holds is spoken (then the cue is removed)
"""

from __future__ import annotations

import os
import signal
import sys
import time
import wave
from pathlib import Path
from typing import BinaryIO

import numpy as np

CHUNK_S = 0.02
RATE = 16000
SPEAKER_GAIN = 0.05
"""How loud the site's own speaker reaches its microphone: 26 dB down, as on a device with echo
cancellation or a speaker across the room from the microphone. The wake model still hears the
speaker's own "hey hestia" at this level (so self-wake is really tested), and hears a person's over
the answer (under louder speech it misses most of them)."""


class Stopped(Exception):
    pass


def _stop(*_: object) -> None:
    raise Stopped


def to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    if rate == RATE or samples.size == 0:
        return samples.astype(np.float64)
    count = int(round(samples.size * RATE / rate))
    positions = np.arange(count) * (rate / RATE)
    return np.interp(positions, np.arange(samples.size), samples.astype(np.float64))


def player(room: Path, rate: int) -> None:
    """Plays until stdin ends (the answer is over) or it is terminated (barge-in)."""
    number = len(list(room.glob("played-*.wav")))
    played: list[bytes] = []
    chunk_bytes = int(rate * CHUNK_S) * 2
    started = time.monotonic()
    sent = 0
    signal.signal(signal.SIGTERM, _stop)
    try:
        with open(room / "air.raw", "ab") as air:
            while True:
                data = sys.stdin.buffer.read(chunk_bytes)
                if not data:
                    break
                played.append(data)
                samples = np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2")
                air.write(np.round(to_16k(samples, rate)).astype("<i2").tobytes())
                air.flush()
                sent += len(data) // 2
                delay = started + sent / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
    except Stopped:
        pass
    finally:
        with wave.open(str(room / f"played-{number}.wav"), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(b"".join(played))


def _read_speech(cue: Path) -> np.ndarray:
    path = cue.read_text().strip()
    cue.unlink()
    with wave.open(path, "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (RATE, 1, 2)
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float64)


def mic(room: Path) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    air_path = room / "air.raw"
    air_path.touch()
    with open(air_path, "rb") as air:
        air.seek(0, os.SEEK_END)  # a microphone opened now hears from now on
        _listen(air, room / "cue")


def _listen(air: BinaryIO, cue: Path) -> None:
    chunk = int(RATE * CHUNK_S)
    person = np.zeros(0)
    pending = b""  # air bytes read but not yet a whole sample
    out = sys.stdout.buffer
    started = time.monotonic()
    sent = 0
    while True:
        if not person.size and cue.exists():
            person = _read_speech(cue)
        heard = np.zeros(chunk)
        pending += air.read(chunk * 2 - len(pending))
        whole = len(pending) // 2 * 2
        speaker = np.frombuffer(pending[:whole], dtype="<i2")
        pending = pending[whole:]
        heard[: speaker.size] += speaker * SPEAKER_GAIN
        said, person = person[:chunk], person[chunk:]
        heard[: said.size] += said
        out.write(np.clip(np.round(heard), -32768, 32767).astype("<i2").tobytes())
        out.flush()
        sent += chunk
        delay = started + sent / RATE - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def main() -> None:
    role, room = sys.argv[1], Path(sys.argv[2])
    if role == "player":
        player(room, int(sys.argv[3]))
    elif role == "mic":
        mic(room)
    else:
        sys.exit(f"unknown role {role!r}: player or mic")


if __name__ == "__main__":
    main()
