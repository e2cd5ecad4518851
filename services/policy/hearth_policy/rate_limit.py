"""Token buckets: how often a client may ask for work that costs policy (deleting, exporting,
opening sessions). Each key has its own bucket; a key is a site today and becomes the caller's
authenticated identity (with the site) once calls carry one."""

from __future__ import annotations

import time
from dataclasses import dataclass

MAX_KEYS = 1024
"""Bound on remembered buckets: keys come from requests, so their number must not grow freely."""


@dataclass
class Bucket:
    tokens: float
    updated: float


class RateLimiter:
    def __init__(self, per_s: float, burst: int, max_keys: int = MAX_KEYS) -> None:
        self.per_s = per_s
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: dict[str, Bucket] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        """Take one token from the key's bucket; False when it is empty."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.pop(key, None) or Bucket(float(self.burst), now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.per_s)
        bucket.updated = now
        allowed = bucket.tokens >= 1.0
        if allowed:
            bucket.tokens -= 1.0
        self._buckets[key] = bucket  # most recently used last
        while len(self._buckets) > self.max_keys:
            del self._buckets[next(iter(self._buckets))]  # the least recently used
        return allowed

    def describe(self) -> str:
        """The limit in words, for a refusal."""
        return f"at most {self.burst} at once, then one every {1 / self.per_s:.0f} s"

    def __len__(self) -> int:
        return len(self._buckets)
