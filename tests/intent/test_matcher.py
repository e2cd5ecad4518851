"""Intent matching and vocabulary against the real home-assistant-intents data."""

from __future__ import annotations

import random
import time

import pytest
from unicode_rbnf import RbnfEngine

from hearth.privacy import PRIVACY_INTENTS
from hearth_intent.demo_home import DEMO_AREAS, DEMO_DEVICES
from hearth_intent.home import Device
from hearth_intent.intent_data import DEFAULT_INTENTS, PluginSentences
from hearth_intent.matcher import IntentMatch, IntentMatcher
from hearth_intent.plugin_loading import plugin_sentences
from hearth_intent.settings import PluginSelection


def built_in(language: str, *names: str) -> list[PluginSentences]:
    """The sentences of built-in plugins (time and privacy by default), found as the service finds
    them."""
    return plugin_sentences(language, PluginSelection(enabled=names or ("time", "privacy")))


@pytest.fixture(scope="module")
def en() -> IntentMatcher:
    return IntentMatcher(
        "en", intents=None, areas=DEMO_AREAS, devices=DEMO_DEVICES, plugins=built_in("en")
    )


@pytest.fixture(scope="module")
def ko() -> IntentMatcher:
    return IntentMatcher(
        "ko", intents=None, areas=DEMO_AREAS, devices=DEMO_DEVICES, plugins=built_in("ko")
    )


CASES = [
    ("turn on the kitchen lights", "HassTurnOn", {"area": "kitchen", "domain": "light"}),
    ("turn off the living room lamp", "HassTurnOff", {"name": "living room lamp"}),
    ("please turn on the coffee maker", "HassTurnOn", {"name": "coffee maker"}),
    ("turn on the office fan", "HassTurnOn", {"name": "office fan"}),
    ("what time is it", "HassGetCurrentTime", {}),
    ("what's the date", "HassGetCurrentDate", {}),
    ("what is the date today", "HassGetCurrentDate", {}),
    ("set a timer for five minutes", "HassStartTimer", {"minutes": "5"}),
    ("set a timer for twenty five minutes", "HassStartTimer", {"minutes": "25"}),
    (
        "set a timer for one hour and thirty minutes",
        "HassStartTimer",
        {"hours": "1", "minutes": "30"},
    ),
    ("cancel the timer", "HassCancelTimer", {}),
    (
        "set the bedroom lights to 50 percent",
        "HassLightSet",
        {"area": "bedroom", "domain": "light", "brightness": "50"},
    ),
    (
        "set the bedroom lights to fifty percent",
        "HassLightSet",
        {"area": "bedroom", "domain": "light", "brightness": "50"},
    ),
    (
        "set the bedroom light to fifty percent",
        "HassLightSet",
        {"name": "bedroom light", "brightness": "50"},
    ),
    ("what's the weather like", "HassGetWeather", {}),
    ("never mind", "HassNevermind", {}),
]


@pytest.mark.parametrize(("text", "intent", "slots"), CASES)
def test_recognizes_home_commands(
    en: IntentMatcher, text: str, intent: str, slots: dict[str, str]
) -> None:
    assert en.recognize(text) == IntentMatch(intent=intent, slots=slots, text=text)


@pytest.mark.parametrize(
    "text",
    ["what is the airspeed velocity of an unladen swallow", "", "   ", "turn on the dishwasher"],
)
def test_unmatched_is_none(en: IntentMatcher, text: str) -> None:
    assert en.recognize(text) is None


@pytest.mark.parametrize("heard", ["office fan", "the office fan", "living room lamp"])
def test_a_bare_device_name_is_no_command(en: IntentMatcher, heard: str) -> None:
    """Home Assistant turns a device on when only its name is said; a recogniser that lost the
    words before the name ("... the office fan" for "turn off the office fan") would then turn
    it on, so Hearth asks for a verb or on/off."""
    assert en.recognize(heard) is None
    assert en.recognize_spoken(f"second of {heard}") is None
    assert en.recognize(f"turn on {heard}") is not None
    assert en.recognize(f"{heard} on") is not None


def test_each_vocabulary_sentence_says_what_it_means(en: IntentMatcher) -> None:
    spoken = en.spoken_vocabulary(max_sentences=3000)
    assert spoken.meanings is not None and len(spoken.meanings) == len(spoken.sentences)
    meaning = dict(zip(spoken.sentences, spoken.meanings, strict=True))
    assert all(meaning.values()), "every taught sentence matches"
    every_15th = spoken.sentences[::15]
    assert [meaning[s] for s in every_15th] == [en.meaning_of(s) for s in every_15th], (
        "the meaning found while building is the one a site in an unnamed room would act on"
    )
    assert en.meaning_of("turn on the office fan") == "HassTurnOn targets=office fan"
    assert en.meaning_of("turn on the office fan") == en.meaning_of("switch on the office fan")
    assert en.meaning_of("turn on the office fan") != en.meaning_of("turn off the office fan")
    here = en.meaning_of("turn on the lights")
    assert here is not None and here != en.meaning_of("turn on the lights in the kitchen")


def test_sentences_that_choose_the_same_devices_mean_the_same(en: IntentMatcher) -> None:
    """The kitchen's only light is the kitchen light: either way the same lamp turns on."""
    kitchen_light = en.meaning_of("turn on the kitchen light")
    assert kitchen_light == en.meaning_of("turn on the kitchen lights")
    assert kitchen_light == en.meaning_of("turn on the lights in the kitchen")
    assert kitchen_light != en.meaning_of("turn on the coffee maker")
    assert en.meaning_of("set the bedroom lights to fifty percent") == en.meaning_of(
        "set the bedroom light to fifty percent"
    )
    assert en.meaning_of("set the bedroom lights to fifty percent") != en.meaning_of(
        "set the bedroom lights to fifteen percent"
    )


def test_site_area_resolves_room_less_commands(en: IntentMatcher) -> None:
    assert en.recognize("turn on the lights") is None
    match = en.recognize("turn on the lights", area="office")
    assert match is not None
    assert (match.intent, match.slots) == ("HassTurnOn", {"area": "office", "domain": "light"})


def test_device_kinds_the_home_lacks_are_not_matched(en: IntentMatcher) -> None:
    assert en.recognize("open the garage door in the kitchen") is None
    with_cover = IntentMatcher(
        "en",
        intents=["HassTurnOn"],
        areas=["garage"],
        devices=[Device("garage door", "cover", "garage")],
    )
    match = with_cover.recognize("open the garage door")
    assert match is not None and match.slots == {"name": "garage door"}


def test_recognize_is_fast(en: IntentMatcher) -> None:
    texts = [text for text, _, _ in CASES] + ["what is the airspeed velocity of an unladen swallow"]
    timings = []
    for _ in range(5):
        for text in texts:
            start = time.perf_counter()
            en.recognize(text)
            timings.append(time.perf_counter() - start)
    timings.sort()
    assert timings[int(len(timings) * 0.95)] < 0.050


def test_unknown_language_lists_available() -> None:
    with pytest.raises(ValueError, match=r"'xx'.*\ben\b.*\bko\b"):
        IntentMatcher("xx", intents=None, areas=DEMO_AREAS, devices=DEMO_DEVICES)


def test_unknown_intent_lists_available() -> None:
    with pytest.raises(ValueError, match=r"HassMakeCoffee.*available:.*HassTurnOn"):
        IntentMatcher(
            "en", intents=["HassTurnOn", "HassMakeCoffee"], areas=DEMO_AREAS, devices=DEMO_DEVICES
        )


def test_no_intents_is_an_error() -> None:
    with pytest.raises(ValueError, match="At least one intent"):
        IntentMatcher("en", intents=[], areas=DEMO_AREAS, devices=DEMO_DEVICES)


def test_default_intents_are_those_the_language_has_plus_the_privacy_commands(
    en: IntentMatcher,
) -> None:
    assert en.intent_names == DEFAULT_INTENTS + tuple(sorted(PRIVACY_INTENTS))


def test_privacy_commands_cannot_be_configured_away_and_are_in_the_vocabulary() -> None:
    only = IntentMatcher(
        "en",
        intents=["HassGetCurrentTime"],
        areas=DEMO_AREAS,
        devices=DEMO_DEVICES,
        plugins=built_in("en", "privacy"),
    )
    assert set(only.intent_names) == {"HassGetCurrentTime", *PRIVACY_INTENTS}
    sentences, _ = only.vocabulary()
    for spoken, intent in [
        ("stop listening", "HearthStopListening"),
        ("delete what i just said", "HearthForgetLast"),
        ("delete everything i said today", "HearthForgetToday"),
        ("what did you hear", "HearthWhatDidYouHear"),
    ]:
        assert spoken in sentences
        match = only.recognize(spoken)
        assert match is not None and match.intent == intent
    assert not any(s.startswith("erase") for s in sentences), (
        "variants are understood but kept out of the recogniser's vocabulary"
    )
    match = only.recognize("mute the microphone")
    assert match is not None and match.intent == "HearthStopListening"


# --- vocabulary -----------------------------------------------------------------------------


def test_vocabulary_is_spoken_form(en: IntentMatcher) -> None:
    sentences, words = en.vocabulary()
    assert 1000 < len(sentences) <= 5000
    assert len(set(sentences)) == len(sentences)
    for sentence in sentences:
        assert sentence == sentence.lower() == " ".join(sentence.split())
        assert all(ch.isalpha() or ch in " '" for ch in sentence), sentence
    assert list(words) == sorted({w for s in sentences for w in s.split()})


def test_vocabulary_names_the_home(en: IntentMatcher) -> None:
    sentences, words = en.vocabulary()
    assert "turn on the kitchen light" in sentences
    assert "what time is it" in sentences
    for device in DEMO_DEVICES:
        assert any(device.name in s for s in sentences), device.name
    for area in DEMO_AREAS:
        assert any(area in s for s in sentences), area
    # Every timer/brightness number can be spoken, so the recogniser will not drop it.
    engine = RbnfEngine.for_language("en")
    for number in range(0, 101):
        spelled = engine.format_number(number).text_by_ruleset["spellout-cardinal"]
        assert set(spelled.replace("-", " ").split()) <= set(words), number


def test_vocabulary_respects_bound_and_is_fair(en: IntentMatcher) -> None:
    sentences, _ = en.vocabulary(max_sentences=300)
    assert 250 <= len(sentences) <= 300
    for intent in DEFAULT_INTENTS:
        # Every intent has a sentence in the sample: one that a matcher of that intent alone
        # recognises (enumerating each intent's whole vocabulary took three and a half minutes).
        only = IntentMatcher("en", intents=[intent], areas=DEMO_AREAS, devices=DEMO_DEVICES)
        assert any(only.recognize(s, area="kitchen") is not None for s in sentences), intent
    with pytest.raises(ValueError):
        en.vocabulary(max_sentences=0)


def test_vocabulary_is_deterministic(en: IntentMatcher) -> None:
    again = IntentMatcher(
        "en", intents=None, areas=DEMO_AREAS, devices=DEMO_DEVICES, plugins=built_in("en")
    )
    assert again.vocabulary() == en.vocabulary()
    assert again.vocabulary(max_sentences=777) == en.vocabulary(max_sentences=777)


def test_published_sentences_are_recognized(en: IntentMatcher) -> None:
    sentences, _ = en.vocabulary()
    for sentence in random.Random(7).sample(sentences, 400):
        assert en.recognize(sentence, area="kitchen") is not None, sentence


@pytest.mark.parametrize("intent", DEFAULT_INTENTS)
def test_published_sentences_map_to_their_intent(en: IntentMatcher, intent: str) -> None:
    only = IntentMatcher("en", intents=[intent], areas=DEMO_AREAS, devices=DEMO_DEVICES)
    sentences, _ = only.vocabulary(max_sentences=60)
    assert sentences
    for sentence in sentences:
        match = en.recognize(sentence, area="kitchen")
        expected = only.recognize(sentence, area="kitchen")
        assert expected is not None and (
            expected.intent == intent or expected.intent in PRIVACY_INTENTS
        ), sentence
        assert match is not None and match.intent == expected.intent, sentence


# --- Korean ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "intent", "slots"),
    [
        ("지금 몇 시야", "HassGetCurrentTime", {}),
        ("오늘 며칠이야", "HassGetCurrentDate", {}),
        ("오분 타이머 시작", "HassStartTimer", {"minutes": "5"}),
        ("kitchen light 켜줘", "HassTurnOn", {"name": "kitchen light"}),
    ],
)
def test_korean_commands(ko: IntentMatcher, text: str, intent: str, slots: dict[str, str]) -> None:
    assert ko.recognize(text) == IntentMatch(intent=intent, slots=slots, text=text)


def test_korean_vocabulary_round_trips(ko: IntentMatcher) -> None:
    sentences, words = ko.vocabulary()
    assert 1000 < len(sentences) <= 5000
    assert "지금 몇 시야" in sentences
    assert not any(ch.isdigit() for s in sentences for ch in s)
    assert any("\uac00" <= ch <= "\ud7a3" for w in words for ch in w)  # Hangul syllables
    for sentence in random.Random(11).sample(sentences, 300):
        assert ko.recognize(sentence, area="kitchen") is not None, sentence
