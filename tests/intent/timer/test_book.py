"""The timer book's logic with a clock the test moves: no service, no event loop."""

from __future__ import annotations

import pytest

from hearth_intent.plugins.timer.book import (
    DAY_S,
    MAX_TIMERS_PER_SITE,
    Timer,
    TimerBook,
    TimerQuery,
    TooManyTimers,
)
from tests.intent.timer.support import FakeClock

GRACE_S = 600


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def book(clock: FakeClock) -> TimerBook:
    return TimerBook(clock, grace_s=GRACE_S)


def test_a_timer_is_due_after_its_time_and_not_before(book: TimerBook, clock: FakeClock) -> None:
    timer = book.add("kitchen", 300)
    clock.advance(299)
    assert book.due() == []
    assert book.timers("kitchen")[0].left_s(clock()) == 1
    clock.advance(1)
    assert [t.timer_id for t in book.due()] == [timer.timer_id]
    assert book.due(), "a due timer stays until it is removed (rung)"
    book.remove(timer.timer_id)
    assert book.due() == [] and book.all() == []


def test_timers_are_per_site_and_several_at_once(book: TimerBook, clock: FakeClock) -> None:
    pasta = book.add("kitchen", 600, "pasta")
    eggs = book.add("kitchen", 300, "eggs")
    office = book.add("office", 60)
    assert [t.timer_id for t in book.timers("kitchen")] == [eggs.timer_id, pasta.timer_id]
    assert [t.timer_id for t in book.timers("office")] == [office.timer_id]
    assert book.find("kitchen", TimerQuery(name="Pasta")) == [pasta]
    assert book.find("kitchen", TimerQuery(duration_s=300)) == [eggs]
    assert book.find("office", TimerQuery(name="pasta")) == []
    assert [t.timer_id for t in book.cancel_all("kitchen")] == [eggs.timer_id, pasta.timer_id]
    assert book.all() == [office]


def test_pause_keeps_the_time_left_and_resume_continues_from_it(
    book: TimerBook, clock: FakeClock
) -> None:
    timer = book.add("kitchen", 300)
    clock.advance(100)
    paused = book.pause(timer.timer_id)
    assert not paused.running and paused.left_s(clock()) == 200
    clock.advance(1000)
    assert book.due() == [], "a paused timer never rings"
    assert book.pause(timer.timer_id) == paused, "pausing twice changes nothing"
    resumed = book.resume(timer.timer_id)
    assert resumed.running and resumed.due_at == clock() + 200
    assert book.resume(timer.timer_id) == resumed


def test_extend_and_shorten(book: TimerBook, clock: FakeClock) -> None:
    timer = book.add("kitchen", 300)
    clock.advance(60)
    assert book.extend(timer.timer_id, 120).left_s(clock()) == 360
    assert book.extend(timer.timer_id, -60).left_s(clock()) == 300
    shortened = book.extend(timer.timer_id, -1000)
    assert shortened.left_s(clock()) == 0 and book.due() == [shortened], "rings at once"
    assert shortened.duration_s == 300, "it is still the 5 minute timer"


def test_extend_a_paused_timer(book: TimerBook, clock: FakeClock) -> None:
    timer = book.pause(book.add("kitchen", 300).timer_id)
    extended = book.extend(timer.timer_id, 60)
    assert not extended.running and extended.left_s(clock()) == 360


def test_expiry_running_after_grace_paused_after_a_day(book: TimerBook, clock: FakeClock) -> None:
    running = book.add("kitchen", 300)
    paused = book.pause(book.add("kitchen", 60).timer_id)
    assert book.expires_at(running) == clock() + 300 + GRACE_S
    assert book.expires_at(paused) == clock() + DAY_S
    assert book.next_change_at() == clock() + 300
    clock.advance(300 + GRACE_S)
    assert [t.timer_id for t in book.expire()] == [running.timer_id], "due, never rung: dropped"
    clock.advance(DAY_S)
    assert [t.timer_id for t in book.expire()] == [paused.timer_id]
    assert book.all() == [] and book.next_change_at() is None


def test_records_round_trip(book: TimerBook, clock: FakeClock) -> None:
    running = book.add("kitchen", 300, "pasta")
    paused = book.pause(book.add("office", 60).timer_id)
    for timer in (running, paused):
        assert Timer.from_record(timer.to_record()) == timer


def test_limits(book: TimerBook) -> None:
    with pytest.raises(ValueError):
        book.add("kitchen", 0)
    for _ in range(MAX_TIMERS_PER_SITE):
        book.add("kitchen", 60)
    with pytest.raises(TooManyTimers):
        book.add("kitchen", 60)
    book.add("office", 60)  # another site has its own room
