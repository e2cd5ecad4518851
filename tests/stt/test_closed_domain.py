"""stt's closed-domain step: what each kind of engine result becomes before it is published."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from hearth_stt.closed_domain import ClosedDomain, ClosedDomainOptions, Understood
from hearth_stt.engines import FinalResult, Vocabulary

SENTENCES = (
    "turn on the kitchen light",
    "turn off the kitchen light",
    "turn on the office fan",
    "set a timer for five minutes",
    "what time is it",
)
VOCABULARY = Vocabulary(
    language="en",
    sentences=SENTENCES,
    words=tuple(sorted({w for s in SENTENCES for w in s.split()})),
    names=("kitchen light", "office fan", "kitchen", "office"),
)


@pytest.fixture()
def domain() -> ClosedDomain:
    closed = ClosedDomain(ClosedDomainOptions(min_confidence=0.4))
    closed.set_vocabulary(VOCABULARY)
    return closed


def test_a_grammar_sentence_passes_as_it_is(domain: ClosedDomain) -> None:
    understood = domain.understand(FinalResult("turn on the kitchen light", 0.9))
    assert (understood.text, understood.snapped, understood.distance) == (
        "turn on the kitchen light",
        True,
        0.0,
    )


def test_whisper_spelling_is_snapped_onto_the_sentence(domain: ClosedDomain) -> None:
    heard = FinalResult("Hey Hestia, set a timer for 5 minutes.", 0.8, open_vocabulary=True)
    understood = domain.understand(heard)
    assert understood.text == "set a timer for five minutes" and understood.snapped


def test_an_unsure_open_result_is_dropped_not_guessed(domain: ClosedDomain) -> None:
    heard = FinalResult("turn on the office fan", 0.2, open_vocabulary=True)
    understood = domain.understand(heard)
    assert understood.text == "" and understood.unsure


def test_a_grammar_result_is_never_dropped_for_its_confidence(domain: ClosedDomain) -> None:
    understood = domain.understand(FinalResult("turn on the office fan", 0.01))
    assert understood.text == "turn on the office fan"


def test_far_from_every_sentence_it_is_published_normalised_not_snapped(
    domain: ClosedDomain,
) -> None:
    understood = domain.understand(
        FinalResult("What is the capital of France?", 0.9, open_vocabulary=True)
    )
    assert understood.text == "what is the capital of france" and not understood.snapped


def test_the_opposite_action_is_never_snapped_onto(domain: ClosedDomain) -> None:
    understood = domain.understand(
        FinalResult("turn off the office fan", 0.9, open_vocabulary=True)
    )
    assert understood.text != "turn on the office fan" and not understood.snapped


def test_before_any_vocabulary_the_text_is_normalised() -> None:
    closed = ClosedDomain(ClosedDomainOptions())
    understood = closed.understand(FinalResult("Turn ON the lights!", 0.9, open_vocabulary=True))
    assert understood.text == "turn on the lights" and not understood.snapped


# Sentence scoring (Whisper's FinalResult.score): pure logic, with the scores written out. The
# engine's own scoring of real speech is tested in test_whisper_engine.py.
MEANINGS = {
    "turn on the kitchen light": "HassTurnOn name=kitchen light",
    "switch on the kitchen light": "HassTurnOn name=kitchen light",
    "turn off the kitchen light": "HassTurnOff name=kitchen light",
}
SCORED = Vocabulary(
    language="en",
    sentences=tuple(MEANINGS),
    words=tuple(sorted({w for s in MEANINGS for w in s.split()})),
    names=("kitchen light", "kitchen"),
    meanings=tuple(MEANINGS.values()),
)


def scored_result(text: str, scores: dict[str, float]) -> FinalResult:
    def score(sentences: Sequence[str]) -> list[float] | None:
        return [scores.get(s, -60.0) for s in sentences]

    return FinalResult(text, 0.1, open_vocabulary=True, score=score)


@pytest.fixture()
def scoring() -> ClosedDomain:
    closed = ClosedDomain(ClosedDomainOptions(min_confidence=0.4))
    closed.set_vocabulary(SCORED)
    return closed


def test_the_likeliest_sentence_is_chosen_whatever_the_confidence(scoring: ClosedDomain) -> None:
    result = scored_result(
        "turn of the kitchen light",
        {"turn on the kitchen light": -4.0, "turn off the kitchen light": -9.0},
    )
    understood = scoring.understand(result)
    assert (understood.text, understood.snapped) == ("turn on the kitchen light", True)
    assert understood.scored == "chosen"


def test_sound_alikes_too_close_to_tell_apart_are_not_recognised(scoring: ClosedDomain) -> None:
    result = scored_result(
        "turn on the kitchen light",
        {"turn on the kitchen light": -4.0, "turn off the kitchen light": -5.0},
    )
    understood = scoring.understand(result)
    assert (understood.text, understood.scored) == ("", "too_close")


def test_sentences_with_the_same_meaning_are_not_rivals(scoring: ClosedDomain) -> None:
    result = scored_result(
        "turn on the kitchen light",
        {
            "turn on the kitchen light": -4.0,
            "switch on the kitchen light": -4.5,
            "turn off the kitchen light": -12.0,
        },
    )
    assert scoring.understand(result).text == "turn on the kitchen light"


def test_a_sentence_unlikely_in_itself_is_no_evidence(scoring: ClosedDomain) -> None:
    result = scored_result("sing me a song", {"turn on the kitchen light": -40.0})
    understood = scoring.understand(result)
    assert (understood.text, understood.scored) == ("", "unlikely")


def test_a_sentence_whisper_itself_wrote_is_held_to_the_looser_floor() -> None:
    closed = ClosedDomain(
        ClosedDomainOptions(
            min_token_logprob=-3.0, min_heard_token_logprob=-5.0, transcript_lead=8.0
        )
    )
    closed.set_vocabulary(SCORED)
    # -24 over six tokens is -4 a token: under the floor, over the floor for what was written.
    far = {"turn on the kitchen light": -24.0, "turn off the kitchen light": -40.0}
    written = closed.understand(scored_result("Turn on the kitchen light.", far))
    assert (written.text, written.scored) == ("turn on the kitchen light", "chosen")
    # The same sentence reached from another transcript, even one the scoring finds less likely
    # (measured: a garbled question became "what's the time" that way): the usual floor holds.
    for garbled_score in (-20.0, -30.0):
        garbled = {**far, "turn on the kitchen lie": garbled_score}
        guessed = closed.understand(scored_result("Turn on the kitchen lie.", garbled))
        assert (guessed.text, guessed.scored) == ("", "unlikely")
    # Too unlikely even for what was written (-6 a token).
    faint = {"turn on the kitchen light": -36.0, "turn off the kitchen light": -50.0}
    assert (
        closed.understand(scored_result("Turn on the kitchen light.", faint)).scored == "unlikely"
    )


def test_an_engine_too_busy_to_score_gives_not_recognised(scoring: ClosedDomain) -> None:
    busy = FinalResult(
        "turn on the kitchen light", 0.9, open_vocabulary=True, score=lambda _sentences: None
    )
    understood = scoring.understand(busy)
    assert (understood.text, understood.scored) == ("", "busy")


def test_only_the_wake_phrase_is_nothing_to_score(scoring: ClosedDomain) -> None:
    understood = scoring.understand(scored_result("Hey Hestia.", {}))
    assert (understood.text, understood.scored) == ("", "")


def test_a_transcript_likelier_than_every_sentence_is_passed_on_as_heard() -> None:
    closed = ClosedDomain(ClosedDomainOptions(transcript_lead=3.0))
    closed.set_vocabulary(SCORED)
    heard = "Set the kitchen light to 50%."
    likely = {"set the kitchen light to fifty percent": -5.0, "turn on the kitchen light": -12.0}
    understood = closed.understand(scored_result(heard, likely))
    assert understood == Understood(
        "set the kitchen light to fifty percent", False, None, scored="as_heard"
    )
    unlikely = {"set the kitchen light to fifty percent": -11.0, "turn on the kitchen light": -9.0}
    assert closed.understand(scored_result(heard, unlikely)).scored != "as_heard"


def test_retuned_thresholds_keep_the_vocabulary(scoring: ClosedDomain) -> None:
    strict = scoring.retuned(ClosedDomainOptions(min_confidence=0.4, min_score_lead=60.0))
    result = scored_result(
        "turn of the kitchen light",
        {"turn on the kitchen light": -4.0, "turn off the kitchen light": -9.0},
    )
    assert scoring.understand(result).scored == "chosen"
    assert strict.understand(result).scored == "too_close"
    with pytest.raises(ValueError, match="snapper"):
        scoring.retuned(ClosedDomainOptions(max_distance=0.5))
