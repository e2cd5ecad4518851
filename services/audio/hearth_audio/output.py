"""Where a site's spoken answers go: a player command (a speaker), a WAV file, or nowhere.

A player is a child process fed raw PCM on its stdin, as the microphone is one that writes it: it
starts for each answer and is gone when the answer is over, so a stopped answer (barge-in) is
silent at once, and a player that fails takes only that answer with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Sequence

from hearth_audio.answer_files import AnswerFiles
from hearth_audio.processes import spawn, stop_quickly

log = logging.getLogger(__name__)

PLAYER_EXIT_S = 10.0
"""How long a player may take to play out what it buffered and exit after its input ended."""
STDERR_LINES = 5


class OutputError(Exception):
    """The output failed (the player is missing or exited with an error); the message says why."""


class Playback(ABC):
    """One answer on its way out: samples are written as they arrive, at the pace they play."""

    @abstractmethod
    async def write(self, pcm: bytes) -> None:
        """Raises OutputError when the output can take no more."""

    @abstractmethod
    async def finish(self) -> None:
        """Everything written has been played; raises OutputError if the output failed."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop now, dropping what is not played yet (the answer was interrupted)."""


def player_arguments(command: Sequence[str], rate: int) -> list[str]:
    return [part.replace("{rate}", str(rate)) for part in command]


class PlayerPlayback(Playback):
    def __init__(self, process: asyncio.subprocess.Process, name: str) -> None:
        self.process = process
        self.name = name
        self.stderr: deque[str] = deque(maxlen=STDERR_LINES)
        self._stderr_task = asyncio.create_task(self._keep_stderr())

    @classmethod
    async def start(cls, command: Sequence[str], rate: int) -> PlayerPlayback:
        arguments = player_arguments(command, rate)
        try:
            process = await spawn(arguments, reads=False)
        except OSError as exc:
            raise OutputError(
                f"cannot start player command {arguments[0]!r}: {exc.strerror}"
            ) from exc
        return cls(process, arguments[0])

    async def write(self, pcm: bytes) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(pcm)
            await stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            raise OutputError(await self._failure("stopped while playing")) from None

    async def finish(self) -> None:
        stdin = self.process.stdin
        assert stdin is not None
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            stdin.close()
            await stdin.wait_closed()
        try:
            code = await asyncio.wait_for(self.process.wait(), PLAYER_EXIT_S)
        except TimeoutError:
            await self.stop()
            raise OutputError(
                f"player {self.name!r} did not finish within {PLAYER_EXIT_S:.0f} s"
            ) from None
        if code != 0:
            raise OutputError(await self._failure("failed"))

    async def stop(self) -> None:
        """Terminate, then kill: an interrupted answer must fall silent within a fraction of a
        second."""
        await stop_quickly(self.process)
        self._stderr_task.cancel()

    async def _failure(self, what: str) -> str:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.process.wait(), 2.0)
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(self._stderr_task), 1.0)
        detail = f"player {self.name!r} {what} (exit code {self.process.returncode})"
        return f"{detail}: {self.stderr[-1]}" if self.stderr else detail

    async def _keep_stderr(self) -> None:
        """Read the player's complaints as they come (a full pipe would block it); keep the last."""
        assert self.process.stderr is not None
        async for line in self.process.stderr:
            text = line.decode(errors="replace").strip()
            if text:
                self.stderr.append(text[:200])


class FilePlayback(Playback):
    """Collects the answer and writes it as the site's answer file when it is over (also the part
    played before an interruption)."""

    def __init__(self, files: AnswerFiles, site: str, rate: int) -> None:
        self.files = files
        self.site = site
        self.rate = rate
        self.parts: list[bytes] = []

    async def write(self, pcm: bytes) -> None:
        self.parts.append(pcm)

    async def finish(self) -> None:
        try:
            path = await self.files.write(self.site, b"".join(self.parts), self.rate)
        except OSError as exc:
            raise OutputError(f"cannot write the answer file: {exc}") from exc
        log.info("site %s: answer written to %s", self.site, path)

    async def stop(self) -> None:
        with contextlib.suppress(OutputError):
            await self.finish()


class Output:
    """The site's configured output; each answer gets its own Playback."""

    def __init__(
        self, kind: str, player_command: Sequence[str], files: AnswerFiles | None, site: str
    ) -> None:
        self.kind = kind
        self.player_command = tuple(player_command)
        self.files = files
        self.site = site

    async def open(self, rate: int) -> Playback:
        if self.kind == "file":
            assert self.files is not None
            return FilePlayback(self.files, self.site, rate)
        return await PlayerPlayback.start(self.player_command, rate)
