"""The vocabulary sampler's pure parts, on hand-built spoken-form trees."""

from __future__ import annotations

import pytest

from hearth_intent.sentence_sampler import (
    covering_expansion,
    every_expansion,
    sample_template,
    sample_vocabulary,
    share_budget,
    widest_choice,
)
from hearth_intent.spoken_templates import (
    UNSAYABLE,
    SpokenTemplate,
    alternatives,
    any_order,
    concatenation,
    expansion_count,
    is_speakable,
)

# "turn (on|off) the (kitchen|bedroom|office) light"
LIGHTS = concatenation(
    [
        "turn ",
        alternatives(["on", "off"]),
        " the ",
        alternatives(["kitchen", "bedroom", "office"]),
        " light",
    ]
)


@pytest.mark.parametrize(
    ("capacities", "budget", "quotas"),
    [
        ([10, 10, 10], 12, [4, 4, 4]),
        ([3, 100, 100], 60, [3, 29, 28]),  # what the small part can't use goes to the others
        ([0, 5], 10, [0, 5]),  # never more than a part can hold
        ([5, 5], 0, [0, 0]),
        ([], 10, []),
    ],
)
def test_share_budget_is_even_and_hands_on_what_small_parts_cannot_use(
    capacities: list[int], budget: int, quotas: list[int]
) -> None:
    assert share_budget(capacities, budget) == quotas


def test_share_budget_spends_all_it_can() -> None:
    quotas = share_budget([7, 1, 40, 13], 50)
    assert sum(quotas) == 50
    assert all(0 <= q <= c for q, c in zip(quotas, [7, 1, 40, 13], strict=True))


def test_expansion_counts_match_the_expansions() -> None:
    either_order = any_order(["quickly", alternatives(["now", "today"])])
    for node, count in [(LIGHTS, 6), (either_order, 4), ("hello", 1)]:
        assert expansion_count(node) == count == len(list(every_expansion(node)))
    assert sorted(every_expansion(either_order)) == [
        "now quickly",
        "quickly now",
        "quickly today",
        "today quickly",
    ]


def test_unsayable_parts_drop_out() -> None:
    assert expansion_count(alternatives(["yes", UNSAYABLE])) == 1
    assert expansion_count(concatenation(["set ", UNSAYABLE])) == 0


def test_covering_expansions_say_every_alternative() -> None:
    assert covering_expansion(LIGHTS, 0) == "turn on the kitchen light"
    assert widest_choice(LIGHTS) == 3
    covering = [covering_expansion(LIGHTS, k) for k in range(widest_choice(LIGHTS))]
    words = {word for sentence in covering for word in sentence.split()}
    assert {"on", "off", "kitchen", "bedroom", "office"} <= words


def test_sample_template_starts_canonical_and_is_deterministic() -> None:
    template = SpokenTemplate("HassTurnOn|0|turn on the light", LIGHTS)
    sampled = sample_template(template, 3, offset=0)
    assert len(sampled) == len(set(sampled)) == 3
    assert sampled[0] == "turn on the kitchen light"
    assert sample_template(template, 3, offset=0) == sampled
    assert sorted(sample_template(template, 10, offset=0)) == sorted(every_expansion(LIGHTS))
    assert sample_template(template, 0, offset=0) == []


def test_sample_vocabulary_is_bounded_sorted_and_fair() -> None:
    per_intent = {
        "HassGetCurrentTime": [SpokenTemplate("time", "what time is it")],
        "HassTurnOn": [SpokenTemplate("lights", LIGHTS)],
    }
    sentences = sample_vocabulary(per_intent, 4)
    assert len(sentences) == 4
    assert list(sentences) == sorted(sentences)
    assert "what time is it" in sentences


@pytest.mark.parametrize(
    ("text", "speakable"),
    [("what's the time", True), ("지금 몇 시야", True), ("50 percent", False), ("50%", False)],
)
def test_only_what_a_recogniser_writes_is_speakable(text: str, speakable: bool) -> None:
    assert is_speakable(text) is speakable
