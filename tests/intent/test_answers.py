"""Built-in time and date replies, with a fixed clock."""

from __future__ import annotations

from datetime import datetime

import pytest

from hearth_intent.plugins.time_and_date.answers import spoken_answer as answer

# Wednesday, 25 November 2026, 15:05
NOW = datetime(2026, 11, 25, 15, 5)
TIME = "HassGetCurrentTime"
DATE = "HassGetCurrentDate"


def test_other_intents_are_not_answered() -> None:
    assert answer("HassTurnOn", NOW, "en") is None


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (NOW, "It is three oh five PM."),
        (datetime(2026, 11, 25, 0, 0), "It is midnight."),
        (datetime(2026, 11, 25, 12, 0), "It is noon."),
        (datetime(2026, 11, 25, 9, 30), "It is nine thirty AM."),
        (datetime(2026, 11, 25, 12, 45), "It is twelve forty-five PM."),
        (datetime(2026, 11, 25, 0, 7), "It is twelve oh seven AM."),
        (datetime(2026, 11, 25, 17, 0), "It is five PM."),
    ],
)
def test_english_time_is_written_for_the_ear(moment: datetime, expected: str) -> None:
    """In words: a synthesizer reads "3:05" as "three zero five"."""
    assert answer(TIME, moment, "en") == expected
    assert answer(TIME, moment, "en-GB") == expected


def test_english_date_is_written_for_the_ear() -> None:
    assert answer(DATE, NOW, "en") == "Today is Wednesday, November 25th, 2026."
    assert answer(DATE, datetime(2026, 3, 1), "en") == "Today is Sunday, March 1st, 2026."
    assert answer(DATE, datetime(2026, 3, 22), "en") == "Today is Sunday, March 22nd, 2026."
    assert answer(DATE, datetime(2026, 3, 13), "en") == "Today is Friday, March 13th, 2026."


def test_english_fallback_for_language_without_templates() -> None:
    # Turkish ships no time/date response templates.
    assert answer(TIME, NOW, "tr") == "It is three oh five PM."
    assert answer(DATE, NOW, "tr") == "Today is Wednesday, November 25th, 2026."
    assert answer(TIME, datetime(2026, 1, 2, 0, 7), "no-such-language") == (
        "It is twelve oh seven AM."
    )


def test_translator_todo_templates_are_not_spoken() -> None:
    # Cornish's templates are placeholders starting with "TODO:".
    assert answer(TIME, NOW, "kw") == "It is three oh five PM."


class TestLanguageTemplates:
    """Rendering the upstream Jinja response templates (needs jinja2)."""

    @pytest.fixture(autouse=True)
    def _needs_jinja(self) -> None:
        pytest.importorskip("jinja2")

    def test_korean(self) -> None:
        assert answer(TIME, NOW, "ko") == "오후 3시 5분"
        assert answer(DATE, NOW, "ko") == "2026년 11월 25일"

    def test_german_uses_its_own_phrasing(self) -> None:
        assert answer(TIME, NOW, "de") == "Es ist 15:05"
        assert answer(DATE, NOW, "de") == "Es ist Mittwoch der 25. November 2026"
