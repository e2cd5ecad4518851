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


def test_english_fallback_for_language_without_templates() -> None:
    # Turkish ships no time/date response templates.
    assert answer(TIME, NOW, "tr") == "It is 3:05 PM."
    assert answer(DATE, NOW, "tr") == "Today is Wednesday, November 25, 2026."
    assert answer(TIME, datetime(2026, 1, 2, 0, 7), "no-such-language") == "It is 12:07 AM."
    assert (
        answer(DATE, datetime(2026, 1, 2, 0, 7), "no-such-language")
        == "Today is Friday, January 2, 2026."
    )


def test_translator_todo_templates_are_not_spoken() -> None:
    # Cornish's templates are placeholders starting with "TODO:".
    assert answer(TIME, NOW, "kw") == "It is 3:05 PM."


class TestLanguageTemplates:
    """Rendering the upstream Jinja response templates (needs jinja2)."""

    @pytest.fixture(autouse=True)
    def _needs_jinja(self) -> None:
        pytest.importorskip("jinja2")

    @pytest.mark.parametrize(
        ("moment", "expected"),
        [
            (NOW, "3:05 PM"),
            (datetime(2026, 11, 25, 0, 0), "12:00 AM"),
            (datetime(2026, 11, 25, 9, 30), "9:30 AM"),
            (datetime(2026, 11, 25, 12, 45), "12:45 PM"),
        ],
    )
    def test_english_time(self, moment: datetime, expected: str) -> None:
        assert answer(TIME, moment, "en") == expected

    def test_english_date(self) -> None:
        assert answer(DATE, NOW, "en") == "November 25th, 2026"
        assert answer(DATE, datetime(2026, 3, 1), "en") == "March 1st, 2026"

    def test_korean(self) -> None:
        assert answer(TIME, NOW, "ko") == "오후 3시 5분"
        assert answer(DATE, NOW, "ko") == "2026년 11월 25일"

    def test_german_uses_its_own_phrasing(self) -> None:
        assert answer(TIME, NOW, "de") == "Es ist 15:05"
        assert answer(DATE, NOW, "de") == "Es ist Mittwoch der 25. November 2026"
