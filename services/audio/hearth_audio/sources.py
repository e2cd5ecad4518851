"""Where a site's audio comes from: a microphone command, or a WAV file played like a microphone.

The microphone is held by a child process, so stopping capture means the process is gone
and the device is closed: that is what mute promises.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from hearth.pcm import SAMPLE_RATE, SAMPLE_WIDTH
from hearth_audio.processes import spawn, stop_quickly
from hearth_audio.wav import read_wav

log = logging.getLogger(__name__)


class SourceError(Exception):
    """The source failed (the microphone command exited, the file is unreadable); the message
    says why."""


class AudioSource(ABC):
    """Yields chunks of 16 kHz mono int16 PCM. open/close may be called many times (mute,
    unmute)."""

    chunk_bytes: int

    @abstractmethod
    async def open(self) -> None: ...

    @abstractmethod
    async def read(self) -> bytes | None:
        """The next chunk, or None when the source has ended for good (a file played to the end)."""

    @abstractmethod
    async def close(self) -> None: ...


class MicSource(AudioSource):
    """Runs the microphone command and reads raw PCM from its stdout."""

    def __init__(self, command: Sequence[str], chunk_ms: int) -> None:
        self.command = tuple(command)
        self.chunk_bytes = SAMPLE_RATE * SAMPLE_WIDTH * chunk_ms // 1000
        self.process: asyncio.subprocess.Process | None = None

    async def open(self) -> None:
        try:
            self.process = await spawn(self.command, reads=True)
        except OSError as exc:
            raise SourceError(
                f"cannot start microphone command {self.command[0]!r}: {exc.strerror}"
            ) from exc
        log.info("microphone opened (pid %d)", self.process.pid)

    async def read(self) -> bytes:
        process = self.process
        if process is None or process.stdout is None:
            raise SourceError("microphone is closed")
        try:
            return await process.stdout.readexactly(self.chunk_bytes)
        except asyncio.IncompleteReadError:
            if self.process is not process:
                raise SourceError("microphone closed") from None  # we stopped it (mute, lost lease)
            detail = await self._exit_detail(process)
            raise SourceError(f"microphone command stopped: {detail}") from None

    @staticmethod
    async def _exit_detail(process: asyncio.subprocess.Process) -> str:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), 2.0)
        stderr = b""
        if process.stderr is not None:
            with contextlib.suppress(TimeoutError):
                stderr = await asyncio.wait_for(process.stderr.read(2000), 1.0)
        message = stderr.decode(errors="replace").strip().splitlines()
        return f"exit code {process.returncode}" + (f": {message[-1]}" if message else "")

    async def close(self) -> None:
        """Terminate, then kill: the device must be released within a fraction of a second."""
        process, self.process = self.process, None
        if process is None or process.returncode is not None:
            return
        await stop_quickly(process)
        log.info("microphone closed (pid %d)", process.pid)


class FileSource(AudioSource):
    """Plays a WAV file as a microphone would: in real time, then silence, so stt can hear the
    end."""

    def __init__(
        self, path: Path, chunk_ms: int, *, realtime: bool, trailing_silence_s: float
    ) -> None:
        self.path = path
        self.realtime = realtime
        self.chunk_bytes = SAMPLE_RATE * SAMPLE_WIDTH * chunk_ms // 1000
        self.trailing_silence_s = trailing_silence_s
        self.samples: np.ndarray | None = None
        self.position = 0
        self.started = 0.0

    def load(self) -> None:
        """Read and convert the whole file up front, so a bad file fails before anything is sent."""
        samples = read_wav(self.path)
        silence = np.zeros(int(self.trailing_silence_s * SAMPLE_RATE), dtype=np.int16)
        self.samples = np.concatenate((samples, silence))

    async def open(self) -> None:
        if self.samples is None:
            self.load()
        self.started = time.monotonic() - self.position / SAMPLE_RATE

    async def read(self) -> bytes | None:
        assert self.samples is not None
        per_chunk = self.chunk_bytes // SAMPLE_WIDTH
        if self.position >= self.samples.size:
            return None
        chunk = self.samples[self.position : self.position + per_chunk]
        self.position += chunk.size
        if self.realtime:
            due = self.started + self.position / SAMPLE_RATE
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
        else:
            await asyncio.sleep(0)
        return chunk.tobytes()

    async def close(self) -> None:
        """Nothing to release; the position is kept, so capture resumes where it stopped."""
