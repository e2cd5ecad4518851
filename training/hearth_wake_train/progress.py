"""A dependency-free text progress bar on stderr (training takes minutes; silence looks like a
hang)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int, enabled: bool = True, width: int = 30) -> None:
        self.label = label
        self.total = max(total, 1)
        self.enabled = enabled
        self.width = width
        self.done = 0
        self._started = time.monotonic()
        self._last = 0.0

    def advance(self, count: int = 1, note: str = "") -> None:
        self.done = min(self.total, self.done + count)
        now = time.monotonic()
        if self.enabled and (now - self._last > 0.2 or self.done == self.total):
            self._last = now
            filled = int(self.width * self.done / self.total)
            bar = "#" * filled + "." * (self.width - filled)
            elapsed = now - self._started
            sys.stderr.write(
                f"\r{self.label:<22} [{bar}] {self.done}/{self.total} {elapsed:5.0f}s {note}\033[K"
            )
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()
