"""Durations from a sentence's slots, and said back."""

from __future__ import annotations

from typing import Any

import pytest

from hearth_intent.plugins.timer.durations import (
    duration_adjective,
    duration_from_slots,
    slot_number,
    spoken_duration,
)


def slots(**values: Any) -> Any:
    return values.get


@pytest.mark.parametrize(
    ("values", "seconds"),
    [
        ({"minutes": 5}, 300),
        ({"hours": 1, "minutes": 30}, 5400),  # "an hour and a half"
        ({"minutes": 1, "seconds": 30}, 90),  # "a minute and a half"
        ({"hours": 2.0, "minutes": 10.0, "seconds": 5.0}, 7805),  # digits come as floats
        ({"minutes": "5"}, 300),  # a host that passes slot values as text
        ({"minutes": "half"}, 1800),  # "half an hour", unresolved
        ({"seconds": 3}, 3),
    ],
)
def test_duration_from_slots(values: dict[str, Any], seconds: int) -> None:
    assert duration_from_slots(slots(**values)) == seconds


def test_no_duration_slots_is_none() -> None:
    assert duration_from_slots(slots(name="pasta")) is None


def test_prefix_reads_the_length_a_timer_was_set_for() -> None:
    said = slots(minutes=2, start_minutes=5)
    assert duration_from_slots(said, prefix="start_") == 300
    assert duration_from_slots(said) == 120


@pytest.mark.parametrize("raw", [None, True, "pasta", ""])
def test_not_a_number(raw: Any) -> None:
    assert slot_number(raw) is None


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (300, "5 minutes"),
        (190, "3 minutes and 10 seconds"),
        (60, "1 minute"),
        (1, "1 second"),
        (0.2, "1 second"),  # rounded up: it has not rung yet
        (0, "0 seconds"),
        (3600, "1 hour"),
        (3725, "1 hour and 2 minutes"),  # seconds are left out from an hour on
        (7200 + 60, "2 hours and 1 minute"),
        (59.5, "1 minute"),
    ],
)
def test_spoken_duration(seconds: float, said: str) -> None:
    assert spoken_duration(seconds) == said


def test_duration_adjective() -> None:
    assert duration_adjective(300) == "5 minute"
    assert duration_adjective(5400) == "1 hour 30 minute"
    assert duration_adjective(90) == "1 minute 30 second"
