"""The child processes that hold the site's devices: the microphone command and the player."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

STOP_GRACE_S = 0.1
"""A device must be released within a fraction of a second (mute, barge-in): terminate, then
kill."""


async def spawn(arguments: Sequence[str], *, reads: bool) -> asyncio.subprocess.Process:
    """Start a device command: one that writes audio to stdout (reads=True, a microphone) or
    takes it on stdin (a player). stderr is kept to say why it failed. Raises OSError."""
    return await asyncio.create_subprocess_exec(
        *arguments,
        stdin=asyncio.subprocess.DEVNULL if reads else asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE if reads else asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def stop_quickly(process: asyncio.subprocess.Process) -> None:
    """The process may exit by itself at any moment in between (ProcessLookupError: gone)."""
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
