"""Closed-domain snapping (hearth_stt.snapping) on the demo home's real vocabulary.

The vocabulary is the intent service's own sampler over the demo home (about 4,600 sentences),
built once per module because hassil takes half a minute to expand it. The near misses are the
Whisper base transcripts measured in /work/research/FINDINGS.md (sections 2 and 3d).
"""

from __future__ import annotations

import math
import random
import statistics
import time
from functools import cache

import pytest

from hearth_intent.demo_home import DEMO_AREAS, DEMO_DEVICES
from hearth_intent.matcher import IntentMatcher
from hearth_intent.plugin_loading import plugin_sentences
from hearth_intent.vocabulary_store import VocabularyStore
from hearth_stt.snapping import (
    DEFAULT_MARGIN,
    DEFAULT_MAX_DISTANCE,
    Snapper,
    SnapResult,
    normalise,
    number_words,
    sound_key,
    word_dissimilarity,
)
from tests.support import VOCABULARY_STORE

NAMES = (*DEMO_AREAS, *(device.name for device in DEMO_DEVICES))


@cache
def demo_sentences() -> tuple[str, ...]:
    matcher = IntentMatcher(
        "en",
        intents=None,
        areas=DEMO_AREAS,
        devices=list(DEMO_DEVICES),
        plugins=plugin_sentences("en"),  # the service's default plugins, as it runs them
    )
    sentences, _ = matcher.vocabulary(store=VocabularyStore(VOCABULARY_STORE))
    return sentences


@pytest.fixture(scope="module")
def snapper() -> Snapper:
    return Snapper(demo_sentences(), NAMES)


# --- normalise -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("transcript", "expected"),
    [
        ("Turn off the bad room light.", "turn off the bad room light"),
        ("At a timer for 5 minutes.", "at a timer for five minutes"),
        ("and the bedroom light to 50%", "and the bedroom light to fifty percent"),
        ("set the bedroom lights to 50 %.", "set the bedroom lights to fifty percent"),
        ("set a timer for 21 minutes", "set a timer for twenty one minutes"),
        ("set a timer for 105 seconds", "set a timer for one hundred five seconds"),
        ("wake me at 10:30", "wake me at ten thirty"),
        ("wake me at 7:05", "wake me at seven oh five"),
        ("the 1st of May", "the first of may"),
        ("2.5 hours", "two point five hours"),
        ("1,000 seconds", "one thousand seconds"),
        ("What's today's date?", "what's today's date"),
        ("What\u2019s the time?", "what's the time"),
        ("'quoted' words", "quoted words"),
        ("  lots   of\tspace  ", "lots of space"),
        ("believe what I just said.", "believe what i just said"),
    ],
)
def test_normalise_spells_like_the_vocabulary(transcript: str, expected: str) -> None:
    assert normalise(transcript) == expected


@pytest.mark.parametrize(
    "transcript",
    [
        "Hey Hestia, turn on the kitchen lights.",
        "hey hestia turn on the kitchen lights",
        "Hestia, turn on the kitchen lights",
        "Hey Estia, turn on the kitchen lights",
        "A Hestia turn on the kitchen lights",
        "Hey, Hestia! Turn on the kitchen lights please.",
        "Um, hey Hestia, uh, turn on the kitchen lights, thanks.",
        "Okay so please turn on the kitchen lights thank you",
        "ok, turn on the kitchen lights",
        "hay hastia turn on the kitchen lights",
    ],
)
def test_normalise_strips_wake_phrase_and_fillers(transcript: str) -> None:
    assert normalise(transcript) == "turn on the kitchen lights"


def test_normalise_keeps_words_that_only_look_like_a_greeting() -> None:
    assert normalise("a timer for five minutes") == "a timer for five minutes"
    assert normalise("has turned on the light") == "has turned on the light"
    assert normalise("hey hestia") == ""


def test_normalise_with_another_wake_phrase() -> None:
    assert normalise("OK Hearth, stop listening", wake_phrases=("ok hearth",)) == ("stop listening")
    assert normalise("hey hestia stop", wake_phrases=("ok hearth",)) == "hey hestia stop"


def test_number_words_match_the_vocabulary_spelling() -> None:
    vocabulary_words = {word for sentence in demo_sentences() for word in sentence.split()}
    for number in (5, 17, 50, 75, 99, 100):
        assert set(number_words(number).split()) <= vocabulary_words


# --- word dissimilarity ----------------------------------------------------------------


def test_sound_alike_words_are_close() -> None:
    assert sound_key("badroom") == sound_key("bedroom")
    assert sound_key("of") == sound_key("off")
    assert word_dissimilarity("pen", "fan") < word_dissimilarity("pen", "kitchen")
    assert word_dissimilarity("at", "set") < word_dissimilarity("at", "timer")
    assert word_dissimilarity("light", "light") == 0.0
    assert 0.0 < word_dissimilarity("a", "zebra") <= 1.0


# --- snapping: exact and near misses ---------------------------------------------------


def test_every_vocabulary_sentence_is_exact(snapper: Snapper) -> None:
    for sentence in random.Random(13).sample(demo_sentences(), 300):
        assert snapper.snap(sentence) == SnapResult(sentence, 0.0, True, None, True)


def test_exact_after_normalising(snapper: Snapper) -> None:
    result = snapper.snap("Hey Hestia, set a timer for 5 minutes, please.")
    assert result == SnapResult("set a timer for five minutes", 0.0, True, None, True)


# Whisper base transcripts from FINDINGS.md (espeak-ng, Festival, Piper + reverb) and the
# sentence that was spoken.
NEAR_MISSES = [
    ("Turn off the bad room light.", "turn off the bedroom light"),
    ("At a timer for 5 minutes.", "set a timer for five minutes"),
    ("Turn on the office pen.", "turn on the office fan"),
    ("Set the timer for 5 minutes.", "set a timer for five minutes"),
    ("set timer for 5 minutes", "set a timer for five minutes"),
    ("Turn off the battery light.", "turn off the bedroom light"),
    ("hey hestia, turn off the bed room light please", "turn off the bedroom light"),
    ("turned on the kitchen lights", "turn on the kitchen lights"),
    ("what is the day today", "what is the date today"),
    ("turn of the bedroom light", "turn off the bedroom light"),
    ("stop listing", "stop listening"),
    ("cancel the time", "cancel the timer"),
    ("turn on the coffee make her", "turn on the coffee maker"),
    ("what did you here", "what did you hear"),
]


@pytest.mark.parametrize(("transcript", "spoken"), NEAR_MISSES)
def test_near_misses_snap_to_what_was_said(snapper: Snapper, transcript: str, spoken: str) -> None:
    result = snapper.snap(transcript)
    print(f"{transcript!r} -> {result}")
    assert result.snapped and not result.exact
    assert result.text == spoken
    assert 0.0 <= result.distance <= DEFAULT_MAX_DISTANCE
    assert result.runner_up_distance is None or (
        result.runner_up_distance - result.distance >= DEFAULT_MARGIN
    )


@pytest.mark.parametrize(
    "transcript",
    ["believe what I just said.", "belief what I just said.", "repeat what i just said"],
)
def test_a_deletion_is_only_snapped_to_when_delete_was_heard(
    snapper: Snapper, transcript: str
) -> None:
    """Decision: "believe" is not snapped to "delete". Real requests are as close to "delete"
    ("repeat what i just said"), and a deletion cannot be undone, while "not recognised" costs
    one repetition (snapping.VERBATIM_WORDS)."""
    result = snapper.snap(transcript)
    assert not result.snapped
    assert result.text == normalise(transcript)


# --- snapping: never a different action ------------------------------------------------


@pytest.mark.parametrize(
    ("transcript", "must_keep"),
    [
        ("turn on the bad room light", "on"),
        ("turn off the bad room light", "off"),
        ("turn on the bedroom lite", "on"),
        ("turn off the kitchen lite", "off"),
        ("turn on the kitchen lights in the bad room", "kitchen"),
        ("turn on the living room lamb", "living room"),
        ("set a timer for nine minuets", "nine"),
        ("set a timer for five minuets", "five"),
        ("set a timer for five second", "second"),
    ],
)
def test_heard_deciding_words_survive(snapper: Snapper, transcript: str, must_keep: str) -> None:
    result = snapper.snap(transcript)
    assert f" {must_keep} " in f" {result.text} "


@pytest.mark.parametrize(
    "transcript",
    [
        "turn on the bedroom fan",  # no such device: not the bedroom light, not the office fan
        "turn on the living room light",  # the living room has a lamp
        "turn on the kitchen lamp",
        "turn the bedroom light",  # on or off was not heard
        "set a timer for minutes",  # how long was not heard
        "kitchen light living room lamp",  # the prompt leaking into the transcript
    ],
)
def test_a_missing_or_unknown_deciding_word_is_not_guessed(
    snapper: Snapper, transcript: str
) -> None:
    assert not snapper.snap(transcript).snapped


def test_on_never_becomes_off_over_the_whole_vocabulary(snapper: Snapper) -> None:
    """Mangle a non-deciding word of many sentences and swap on/off or five/nine: whatever the
    result, every deciding word heard is in the sentence snapped to, in order."""
    rng = random.Random(7)
    swaps = {"on": "off", "off": "on", "five": "nine", "nine": "five", "kitchen": "bedroom"}
    checked = 0
    for sentence in rng.sample(demo_sentences(), 250):
        words = sentence.split()
        swappable = [i for i, w in enumerate(words) if w in swaps]
        plain = [i for i, w in enumerate(words) if not snapper.is_deciding(w) and len(w) > 2]
        if not plain:
            continue
        for i in swappable[:1]:
            words[i] = swaps[words[i]]
        target = rng.choice(plain)
        words[target] = words[target][:-1] + "x"
        heard = " ".join(words)
        result = snapper.snap(heard)
        heard_deciding = [w for w in words if snapper.is_deciding(w)]
        snapped_words = iter(result.text.split())
        assert all(w in snapped_words for w in heard_deciding), (heard, result)
        checked += 1
    assert checked > 150


def corrupt(sentence: str, rng: random.Random) -> str:
    """One Whisper-like slip: a letter changed, "the" dropped, two words run together or one
    word cut in two."""
    words = sentence.split()
    long_words = [i for i, word in enumerate(words) if len(word) > 3]
    kind = rng.choice(["letter", "vowel", "drop the", "merge", "split"])
    if kind == "drop the" and "the" in words:
        words.remove("the")
    elif kind == "merge" and len(words) > 2:
        i = rng.randrange(len(words) - 1)
        words[i : i + 2] = [words[i] + words[i + 1]]
    elif kind == "split" and long_words:
        i = rng.choice(long_words)
        cut = rng.randrange(1, len(words[i]))
        words[i : i + 1] = [words[i][:cut], words[i][cut:]]
    elif long_words:
        i = rng.choice(long_words)
        letters = list(words[i])
        letters[rng.randrange(len(letters))] = rng.choice(
            "aeiou" if kind == "vowel" else "abcdefghijklmnopqrstuvwxyz"
        )
        words[i] = "".join(letters)
    return " ".join(words)


def test_slips_snap_back_to_the_same_action_or_not_at_all(snapper: Snapper) -> None:
    """Over the whole vocabulary, a transcript one slip away from a sentence snaps to that
    sentence (or one that differs only in function words), or is not recognised; never to a
    sentence with other deciding words. Measured when written: 190 of 200 snapped back (95 %),
    10 not recognised, none elsewhere; the floor may only rise."""
    rng = random.Random(3)
    snapped_back = not_recognised = 0
    for sentence in rng.sample(demo_sentences(), 200):
        result = snapper.snap(corrupt(sentence, rng))
        if not result.snapped:
            not_recognised += 1
            continue
        deciding = [w for w in result.text.split() if snapper.is_deciding(w)]
        assert deciding == [w for w in sentence.split() if snapper.is_deciding(w)], result
        snapped_back += 1
    print(f"\nslips: {snapped_back} snapped back, {not_recognised} not recognised")
    assert snapped_back >= 0.9 * (snapped_back + not_recognised)


def test_lock_never_becomes_unlock() -> None:
    snapper = Snapper(
        ["lock the front door", "unlock the front door", "open the garage", "close the garage"],
        ["front door", "garage"],
    )
    assert snapper.snap("unlock the front dor").text == "unlock the front door"
    assert snapper.snap("lock the frunt door").text == "lock the front door"
    assert not snapper.snap("unlock the garage").snapped
    assert not snapper.snap("open the front door").snapped


# --- snapping: out of domain ------------------------------------------------------------

OUT_OF_DOMAIN = [
    "sing me a song about the ocean",
    "what is the capital of france",
    "the children are asleep upstairs",
    "what time is it in london",
    "play some music",
    "open the garage door",
    "The quick brown fox jump, so we're gonna lay the dog near the riverbank.",
    "My grandmother baked a chocolate cake for the neighbor's son, baked.",
    "What? I did it.",
    "Delictor tight just said.",
    "",
]


@pytest.mark.parametrize("transcript", OUT_OF_DOMAIN)
def test_out_of_domain_is_not_recognised(snapper: Snapper, transcript: str) -> None:
    result = snapper.snap(transcript)
    print(f"{transcript!r} -> {result}")
    assert not result.snapped and not result.exact
    assert result.text == normalise(transcript)
    assert result.distance > DEFAULT_MAX_DISTANCE


def test_empty_vocabulary_snaps_nothing() -> None:
    result = Snapper([], NAMES).snap("turn on the kitchen light")
    assert not result.snapped and math.isinf(result.distance)


def test_candidates_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Snapper(["stop"], [], candidates=0)


# --- the prefilter loses nothing, and it is fast -----------------------------------------


def test_prefilter_gives_the_exhaustive_answer(snapper: Snapper) -> None:
    exhaustive = Snapper(demo_sentences(), NAMES, candidates=len(demo_sentences()))
    for transcript, _ in NEAR_MISSES[:8]:
        assert snapper.snap(transcript).text == exhaustive.snap(transcript).text
    for transcript in OUT_OF_DOMAIN[:4]:
        assert not exhaustive.snap(transcript).snapped


def test_snapping_speed(snapper: Snapper) -> None:
    """Not an assertion on time (the box is shared): prints the figures for the report."""
    rng = random.Random(1)
    transcripts = [t for t, _ in NEAR_MISSES] + OUT_OF_DOMAIN[:-1]
    for sentence in rng.sample(demo_sentences(), 150):
        words = sentence.split()
        i = rng.randrange(len(words))
        words[i] = words[i][::-1]  # a word the vocabulary does not have: never exact
        transcripts.append(" ".join(words))
    times = []
    for transcript in transcripts:
        start = time.perf_counter()
        snapper.snap(transcript)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95)]
    print(
        f"\nsnap over {len(demo_sentences())} sentences, {len(times)} non-exact transcripts: "
        f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
    )
