"""Files only their owner may read: secrets, stores, checkpoints (0600 in 0700 directories).

A home server has other users and other services; what Hearth keeps about what people said, and
the keys that make its promises hold, must not be readable by them.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
PRIVATE_UMASK = 0o077
"""Every process of Hearth creates its files with this umask: whatever it (or SQLite, or the
broker it starts) creates is its owner's only, without each place having to remember."""


def create_privately() -> None:
    """Set the process's umask so new files are 0600 and new directories 0700."""
    os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create the directory (and missing parents) 0700, and make an existing one 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    path.chmod(DIR_MODE)
    return path


def write_private(path: Path, text: str) -> None:
    """Replace the file atomically with text, readable by its owner only (0600), in a 0700
    directory created if missing; synced, so a crash leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)


def make_private(path: Path) -> None:
    """Make an existing file 0600, or an existing directory 0700 (left by an older Hearth, or
    created with a wider umask)."""
    if path.is_dir():
        path.chmod(DIR_MODE)
    elif path.exists():
        path.chmod(FILE_MODE)
