"""A small JSON file of entries that each carry an expiry: written whole and atomically (a
temporary file, fsync, rename), readable by the service's user only (0600), and never returning
an entry past its expiry.

The file is a few kilobytes at most (a site has at most a few timers), so rewriting it on every
change is cheaper than anything cleverer. Callers run save() and load() off the event loop.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
EXPIRES_AT = "expires_at"

_LOGGER = logging.getLogger(__name__)


class ExpiringStore:
    """Entries (JSON objects with an `expires_at`, seconds since the epoch) in one file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, now: float) -> list[dict[str, Any]]:
        """The entries not yet expired; an unreadable file is logged and treated as empty (a
        timer lost is better than an intent service that cannot start)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        try:
            document = json.loads(text)
            entries = document["entries"] if document.get("version") == FORMAT_VERSION else None
        except (ValueError, AttributeError, KeyError, TypeError):
            entries = None
        if not isinstance(entries, list):
            _LOGGER.warning("Ignoring unreadable state file %s", self.path)
            return []
        return [entry for entry in entries if isinstance(entry, dict) and _alive(entry, now)]

    def save(self, entries: Sequence[Mapping[str, Any]]) -> None:
        """Replace the file's entries; every entry must carry `expires_at`."""
        for entry in entries:
            if _expiry(entry) is None:
                raise ValueError(f"every stored entry needs a numeric {EXPIRES_AT!r}")
        document = {"version": FORMAT_VERSION, "entries": list(entries)}
        data = json.dumps(document, indent=1, sort_keys=True).encode()
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)  # O_CREAT's mode does not apply to an existing file
            os.replace(temporary, self.path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _sync_directory(self.path.parent)


def _expiry(entry: Mapping[str, Any]) -> float | None:
    value = entry.get(EXPIRES_AT)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _alive(entry: Mapping[str, Any], now: float) -> bool:
    expiry = _expiry(entry)
    return expiry is not None and expiry > now


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (a crash right after must not bring the old file back)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
