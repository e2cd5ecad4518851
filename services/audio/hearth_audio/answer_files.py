"""`file` output: each site's latest answer as `<answers_dir>/<site>.wav`, written atomically and
deleted after `answer_file_s`.

Answers can repeat what the user said, so a file holding one is treated like a transcript: private
to the owner (0600 in a 0700 directory) and gone after a bounded time, also when the service was
restarted in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
import wave
from pathlib import Path

from hearth import private_files

log = logging.getLogger(__name__)


def write_wav(path: Path, pcm: bytes, rate: int) -> None:
    """Replace `path` atomically with a 16-bit mono WAV of `pcm`: a reader (a person playing the
    last answer) sees the old answer or the new one, never half of one."""
    private_files.private_dir(path.parent)
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, private_files.FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        with wave.open(handle, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(pcm)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


class AnswerFiles:
    """The answer files of the sites this process speaks for, and the timers that delete them."""

    def __init__(self, directory: Path, keep_s: float) -> None:
        self.directory = directory
        self.keep_s = keep_s
        self._expiry: dict[str, asyncio.Task[None]] = {}

    def path(self, site: str) -> Path:
        return self.directory / f"{site}.wav"

    async def write(self, site: str, pcm: bytes, rate: int) -> Path:
        """Write the site's answer (off the event loop) and restart its deletion timer."""
        path = self.path(site)
        await asyncio.to_thread(write_wav, path, pcm, rate)
        self._expire_after(site, self.keep_s)
        return path

    def expire_left_over(self, site: str) -> None:
        """At start: an answer written before a restart still goes when it is due (or now)."""
        with contextlib.suppress(FileNotFoundError):
            age = time.time() - self.path(site).stat().st_mtime
            self._expire_after(site, max(0.0, self.keep_s - age))

    def _expire_after(self, site: str, delay_s: float) -> None:
        previous = self._expiry.pop(site, None)
        if previous is not None:
            previous.cancel()
        self._expiry[site] = asyncio.create_task(self._delete_later(site, delay_s))

    async def _delete_later(self, site: str, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        with contextlib.suppress(FileNotFoundError):
            self.path(site).unlink()
            log.info("site %s: deleted the answer file (kept %.0f s at most)", site, self.keep_s)

    def close(self) -> None:
        """Stop the timers; files left are deleted at the next start when due."""
        for task in self._expiry.values():
            task.cancel()
        self._expiry.clear()
