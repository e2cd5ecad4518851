"""Writing an answer at the pace it plays: never more than LEAD_S ahead of what the output has
played. A short lead is what lets barge-in silence an answer at once (a player holds little
unplayed audio) and keeps the reference stream to the wake service in step with what the room
hears."""

from __future__ import annotations

import time
from collections.abc import Callable

LEAD_S = 0.25
"""Enough to keep a player fed through scheduling hiccups; little enough to stop at once."""


class Pacer:
    def __init__(self, rate: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self.written = 0
        """Samples written so far."""
        self.started: float | None = None
        """When the first sample was written: the output's clock starts there."""

    @property
    def written_s(self) -> float:
        return self.written / self.rate

    def delay(self) -> float:
        """How long to wait before writing more. When synthesis fell behind (the output ran dry
        between sentences), the clock restarts from now: the output resumes, it does not catch
        up."""
        if self.started is None:
            return 0.0
        elapsed = self.clock() - self.started
        if elapsed > self.written_s:
            self.started = self.clock() - self.written_s
            return 0.0
        return max(0.0, self.written_s - elapsed - LEAD_S)

    def wrote(self, samples: int) -> None:
        if self.started is None:
            self.started = self.clock()
        self.written += samples

    def remaining_s(self) -> float:
        """What is written but not played yet."""
        if self.started is None:
            return 0.0
        return max(0.0, self.written_s - (self.clock() - self.started))

    def played_s(self) -> float:
        if self.started is None:
            return 0.0
        return min(self.written_s, self.clock() - self.started)
