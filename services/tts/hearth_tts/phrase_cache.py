"""Recently synthesised sentences, in memory only: a timer's ring or "Sorry, I didn't understand"
is said again without synthesising it again.

Answers can contain what the user said, so the cache is held like transcripts are: never written
to disk, and every entry leaves after `tts.cache_s` (at most the default transcript retention),
whether or not it is asked for again; the service calls ``expire`` on a timer so an idle cache
empties too. A bound on entries and on bytes keeps it small.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PhraseKey:
    voice: str
    sample_rate: int
    text: str


@dataclass(frozen=True)
class CachedAudio:
    pcm: bytes
    stored_at: float


class PhraseCache:
    """Least recently used first out, and nothing older than ``max_age_s`` (since it was made)."""

    def __init__(
        self,
        max_entries: int,
        max_age_s: float,
        max_bytes: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.max_age_s = max_age_s
        self.max_bytes = max_bytes
        self.clock = clock
        self._entries: OrderedDict[PhraseKey, CachedAudio] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and self.max_age_s > 0 and self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get(self, key: PhraseKey) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self.clock() - entry.stored_at >= self.max_age_s:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry.pcm

    def put(self, key: PhraseKey, pcm: bytes) -> None:
        if not self.enabled or len(pcm) > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = CachedAudio(pcm, self.clock())
            self._bytes += len(pcm)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def expire(self) -> int:
        """Drop every entry older than the maximum age; how many were dropped."""
        with self._lock:
            now = self.clock()
            old = [k for k, e in self._entries.items() if now - e.stored_at >= self.max_age_s]
            for key in old:
                self._drop(key)
            return len(old)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _drop(self, key: PhraseKey) -> None:
        entry = self._entries.pop(key)
        self._bytes -= len(entry.pcm)
