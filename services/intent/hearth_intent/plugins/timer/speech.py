"""What the timer plugin says back, in English, and the data it hands automations.

Answers name a timer the way a person would: "the pasta timer" when it has a name, "the timer"
when it is the site's only one, else by the length it was set for ("the 5 minute timer").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from hearth_intent.plugins.timer.book import MAX_TIMERS_PER_SITE, Timer, TimerQuery
from hearth_intent.plugins.timer.durations import duration_adjective, spoken_duration


def label(timer: Timer, alone: bool) -> str:
    """ "pasta timer", "timer" (the only one), "5 minute timer"."""
    if timer.name:
        return f"{timer.name} timer"
    return "timer" if alone else f"{duration_adjective(timer.duration_s)} timer"


def query_label(query: TimerQuery) -> str:
    if query.name:
        return f"{query.name} timer"
    if query.duration_s is not None:
        return f"{duration_adjective(query.duration_s)} timer"
    return "timer"


def timer_set(timer: Timer) -> str:
    return f"{_capital(label(timer, alone=True))} set for {spoken_duration(timer.duration_s)}."


def too_many() -> str:
    return f"You already have {MAX_TIMERS_PER_SITE} timers. Cancel one first."


def no_duration() -> str:
    return "How long should the timer be? Say, for example, set a timer for five minutes."


def no_delayed_commands() -> str:
    return "Sorry, I can't run a command when a timer ends yet."


def nothing_to(action: str, query: TimerQuery) -> str:
    """No timer fits: "There is no timer to cancel.", "There is no pasta timer."."""
    if query.specific:
        return f"There is no {query_label(query)}."
    return f"There is no timer to {action}."


def no_timer_in_state(query: TimerQuery, state: str) -> str:
    """ "There is no paused timer.", "The pasta timer is not paused."."""
    if query.specific:
        return f"The {query_label(query)} is not {state}."
    return f"There is no {state} timer."


def which_one(timers: Sequence[Timer]) -> str:
    names = [f"the {label(timer, alone=False)}" for timer in timers]
    return f"You have {len(timers)} timers: {_and_list(names)}. Which one?"


def cancelled(timer: Timer, alone: bool) -> str:
    return f"{_capital(label(timer, alone))} cancelled."


def ringing(timer: Timer) -> str:
    """What a finished timer says at its site, over and over until acknowledged: "The pasta
    timer is done.", "Your 5 minute timer is done."."""
    if timer.name:
        return f"The {timer.name} timer is done."
    return f"Your {duration_adjective(timer.duration_s)} timer is done."


def stopped(timers: Sequence[Timer]) -> str:
    """A ring acknowledged by voice: "Pasta timer stopped.", "2 timers stopped."."""
    if len(timers) == 1:
        return f"{_capital(label(timers[0], alone=True))} stopped."
    return f"{len(timers)} timers stopped."


def nothing_ringing() -> str:
    return "No timer is ringing."


def cancelled_all(count: int) -> str:
    if count == 0:
        return "There are no timers to cancel."
    return f"Cancelled {count} timer." if count == 1 else f"Cancelled {count} timers."


def paused(timer: Timer, alone: bool, now: float) -> str:
    left = spoken_duration(timer.left_s(now))
    return f"{_capital(label(timer, alone))} paused with {left} left."


def resumed(timer: Timer, alone: bool, now: float) -> str:
    left = spoken_duration(timer.left_s(now))
    return f"{_capital(label(timer, alone))} resumed with {left} left."


def changed_by(timer: Timer, alone: bool, seconds: int, now: float) -> str:
    """After adding or taking off time: what changed and what is left."""
    amount = spoken_duration(abs(seconds))
    done = "Added" if seconds >= 0 else "Took off"
    return f"{done} {amount}. {_capital(status_of(timer, alone, now))}."


def status_of(timer: Timer, alone: bool, now: float) -> str:
    """ "the pasta timer has 3 minutes and 10 seconds left" (no capital, no full stop)."""
    name = f"the {label(timer, alone)}"
    left = timer.left_s(now)
    if not timer.running:
        return f"{name} is paused with {spoken_duration(left)} left"
    if left <= 0:
        return f"{name} is done"
    return f"{name} has {spoken_duration(left)} left"


def status(timers: Sequence[Timer], now: float) -> str:
    if not timers:
        return "You have no timers."
    if len(timers) == 1:
        return _capital(status_of(timers[0], alone=True, now=now)) + "."
    each = [status_of(timer, alone=False, now=now) for timer in timers]
    return f"You have {len(timers)} timers: {_and_list(each)}."


def timer_data(timer: Timer, now: float) -> dict[str, Any]:
    """A timer for automations (Response.data, the finished event): JSON-serialisable."""
    return {
        "timer_id": timer.timer_id,
        "name": timer.name,
        "duration_s": timer.duration_s,
        "left_s": round(timer.left_s(now)),
        "running": timer.running,
        "due_at": _iso(timer.due_at) if timer.due_at is not None else "",
    }


def finished_event(timer: Timer, late: bool, now: float) -> dict[str, Any]:
    """The data of `timer/<site>/finished`."""
    due_at = timer.due_at if timer.due_at is not None else now
    return {
        "timer_id": timer.timer_id,
        "name": timer.name,
        "duration_s": timer.duration_s,
        "due_at": _iso(due_at),
        "late": late,
    }


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _and_list(items: Sequence[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]
