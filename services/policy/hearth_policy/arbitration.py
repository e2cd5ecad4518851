"""Choosing one site when several hear the same command.

Two speakers in adjoining rooms both hear "hey hestia"; only one may answer. Requests whose
detections fall within a short window form one contest; the site that heard the wake word best
(score, then loudness) wins and the others are superseded.

A detection can reach policy well after the phrase was said: the wake service's Whisper check
releases it a second or more after it fired, while another room's detection of the same phrase
went out at once. Contests are keyed by when the phrase was detected (``detected_at``), and a
request whose detection falls in a contest that has already closed has lost it: it is superseded
by that contest's winner instead of opening a second session for the same command.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bid:
    site: str
    score: float
    level_dbfs: float


@dataclass
class _Contest:
    opened_at: float
    bids: list[Bid] = field(default_factory=list)
    winner: asyncio.Future[str] | None = None


def best(bids: list[Bid]) -> str:
    return max(bids, key=lambda b: (b.score, b.level_dbfs)).site


class Arbiter:
    def __init__(self, window_s: float) -> None:
        self.window_s = window_s
        self._contest: _Contest | None = None
        self._decided: tuple[float, str] | None = None  # the last contest: opened at, winner

    async def winner(self, bid: Bid, detected_at: float | None, rivals: bool = True) -> str:
        """The site that gets the session; returns after the contest's window has closed.

        Without rivals (no other site is listening) there is nothing to wait for."""
        if self.window_s <= 0 or (not rivals and self._contest is None):
            return bid.site
        detected = detected_at or time.time()
        if self._decided is not None and abs(detected - self._decided[0]) <= self.window_s:
            return self._decided[1]  # a late request for a phrase already decided
        contest = self._contest
        if (
            contest is None
            or detected - contest.opened_at > self.window_s
            or contest.winner is None
            or contest.winner.done()
        ):
            contest = _Contest(opened_at=min(detected, time.time()))
            contest.winner = asyncio.get_running_loop().create_future()
            self._contest = contest
            asyncio.get_running_loop().call_later(
                max(0.0, contest.opened_at + self.window_s - time.time()), self._close, contest
            )
        contest.bids.append(bid)
        assert contest.winner is not None
        return await asyncio.shield(contest.winner)

    def _close(self, contest: _Contest) -> None:
        site = best(contest.bids)
        if contest.winner is not None and not contest.winner.done():
            contest.winner.set_result(site)
        self._decided = (contest.opened_at, site)
        if self._contest is contest:
            self._contest = None
