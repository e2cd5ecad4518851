"""How policy decides between sites and how it reads a session's events: pure logic."""

from __future__ import annotations

import asyncio
import time

from hearth_policy.arbitration import Arbiter, Bid
from hearth_policy.ledger import SessionLedger


def test_the_site_that_heard_best_wins_and_loudness_breaks_ties() -> None:
    async def contest() -> list[str]:
        arbiter = Arbiter(0.2)
        now = time.time()
        bids = [Bid("kitchen", 0.7, -20), Bid("living_room", 0.9, -30), Bid("office", 0.9, -25)]
        return await asyncio.gather(*(arbiter.winner(bid, now) for bid in bids))

    assert asyncio.run(contest()) == ["office"] * 3


def test_detections_further_apart_than_the_window_do_not_compete() -> None:
    async def contest() -> tuple[str, str]:
        arbiter = Arbiter(0.05)
        first = await arbiter.winner(Bid("kitchen", 0.5, -30), time.time())
        second = await arbiter.winner(Bid("office", 0.9, -10), time.time())
        return first, second

    assert asyncio.run(contest()) == ("kitchen", "office")


def test_a_detection_released_late_loses_the_contest_its_phrase_was_in() -> None:
    """The office's detection of the same "hey hestia" was held a second and a half by the wake
    service's Whisper check; the kitchen's went out at once and won. The office must not open a
    second session for the same command."""

    async def contest() -> tuple[str, str, str]:
        arbiter = Arbiter(0.2)
        said = time.time()
        first = await arbiter.winner(Bid("kitchen", 0.9, -20), said)
        await asyncio.sleep(0.3)  # the contest has closed; the check is still running
        late = await arbiter.winner(Bid("office", 0.99, -10), said + 0.05)
        later = await arbiter.winner(Bid("office", 0.6, -10), time.time())  # a new command
        return first, late, later

    assert asyncio.run(contest()) == ("kitchen", "kitchen", "office")


def test_a_session_is_recorded_when_it_ended_and_its_result_is_known() -> None:
    ledger = SessionLedger(settle_s=5)
    ledger.open("s1", "kitchen", "t", expires_at=time.time() + 15)
    entry = ledger.get("s1")
    assert entry is not None
    entry.transcript = "turn on the kitchen light"
    assert ledger.due() == []
    entry.intent = "HassTurnOn"
    assert ledger.due() == [], "not ended yet"
    ledger.ended("s1", "end_of_speech")
    [done] = ledger.due()
    assert done.outcome == "intent"
    assert ledger.get("s1") is None


def test_a_session_whose_result_never_comes_is_recorded_at_its_deadline() -> None:
    ledger = SessionLedger(settle_s=1)
    ledger.open("s1", "kitchen", "t", expires_at=time.time() + 15)
    ledger.ended("s1", "max_length")
    assert ledger.due() == []
    [done] = ledger.due(now=time.time() + 2)
    assert done.outcome == "timeout"
    ledger.open("s2", "kitchen", "t", expires_at=time.time())
    [never_ended] = ledger.due(now=time.time() + 2)
    assert never_ended.outcome == "error"


def test_a_site_with_no_rival_listening_does_not_wait() -> None:
    async def alone() -> float:
        arbiter = Arbiter(5.0)
        started = time.monotonic()
        assert (
            await arbiter.winner(Bid("kitchen", 0.5, -30), time.time(), rivals=False) == "kitchen"
        )
        return time.monotonic() - started

    assert asyncio.run(alone()) < 1.0
