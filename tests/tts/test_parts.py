"""The service's parts on their own: sentence splitting, the phrase cache's bounds and expiry (with
a clock the test moves), resampling, the bound on loaded voices, and the settings' limits."""

from __future__ import annotations

import numpy as np
import pytest

from hearth import pcm
from hearth.settings import SettingsError, validate_section
from hearth_tts.engines.espeak_engine import ESPEAK, EspeakOptions
from hearth_tts.phrase_cache import PhraseCache, PhraseKey
from hearth_tts.sentences import split_sentences
from hearth_tts.settings import TtsSettings
from hearth_tts.voices import VoiceBook


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("It is 4:05 PM.", ["It is 4:05 PM."]),
        (
            "Turned on the kitchen lights. It is 4:05 p.m. on Monday!  Anything else?",
            ["Turned on the kitchen lights.", "It is 4:05 p.m. on Monday!", "Anything else?"],
        ),
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ("Use e.g. this one. 42 is the answer.", ["Use e.g. this one.", "42 is the answer."]),
        ("一分。二分！", ["一分。", "二分！"]),
        ("First line\n\nsecond line", ["First line", "second line"]),
        ("   ", []),
    ],
)
def test_text_is_split_into_sentences(text: str, pieces: list[str]) -> None:
    assert split_sentences(text, 200) == pieces


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        (
            "Today is Monday, the thirtieth of November. Then, a second one.",
            ["Today is Monday,", "the thirtieth of November.", "Then, a second one."],
        ),
        ("Sorry, I didn't understand.", ["Sorry, I didn't understand."]),
        ("Okay, done.", ["Okay, done."]),
    ],
)
def test_the_first_clause_of_a_long_first_sentence_is_said_first(
    text: str, pieces: list[str]
) -> None:
    assert split_sentences(text, 200) == pieces


def test_a_long_sentence_is_cut_at_a_comma_or_a_space() -> None:
    sentence = "one two three four five, six seven eight nine ten eleven twelve thirteen"
    pieces = split_sentences(sentence, 30)
    assert pieces[0] == "one two three four five,"
    assert all(len(piece) <= 30 for piece in pieces)
    assert " ".join(pieces) == sentence
    assert split_sentences("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def key(text: str) -> PhraseKey:
    return PhraseKey("en_US-joe-medium", 16000, text)


def test_the_cache_forgets_a_phrase_after_its_maximum_age() -> None:
    clock = Clock()
    cache = PhraseCache(max_entries=10, max_age_s=300, max_bytes=10_000, clock=clock)
    cache.put(key("Your timer is done."), b"\1\2" * 10)
    clock.now += 299
    assert cache.get(key("Your timer is done.")) == b"\1\2" * 10
    clock.now += 1
    assert cache.get(key("Your timer is done.")) is None
    assert len(cache) == 0


def test_expire_empties_an_idle_cache() -> None:
    clock = Clock()
    cache = PhraseCache(max_entries=10, max_age_s=60, max_bytes=10_000, clock=clock)
    cache.put(key("a"), b"aa")
    clock.now += 30
    cache.put(key("b"), b"bb")
    clock.now += 31
    assert cache.expire() == 1
    assert cache.get(key("a")) is None and cache.get(key("b")) == b"bb"
    clock.now += 30
    assert cache.expire() == 1 and len(cache) == 0 and cache.size_bytes == 0


def test_the_cache_keeps_the_most_recently_used_within_its_bounds() -> None:
    cache = PhraseCache(max_entries=2, max_age_s=300, max_bytes=10, clock=Clock())
    cache.put(key("a"), b"aa")
    cache.put(key("b"), b"bb")
    cache.get(key("a"))
    cache.put(key("c"), b"cc")
    assert cache.get(key("b")) is None and cache.get(key("a")) == b"aa"
    cache.put(key("d"), b"d" * 9)
    assert len(cache) == 1 and cache.size_bytes == 9
    cache.put(key("e"), b"e" * 11)
    assert cache.get(key("e")) is None


def test_a_cache_of_no_time_keeps_nothing() -> None:
    cache = PhraseCache(max_entries=10, max_age_s=0, max_bytes=100, clock=Clock())
    cache.put(key("a"), b"aa")
    assert not cache.enabled and cache.get(key("a")) is None


def test_resampling_keeps_the_duration_and_the_tone() -> None:
    rate_in, rate_out = 22050, 16000
    t = np.arange(rate_in) / rate_in
    tone = (np.sin(2 * np.pi * 440 * t) * 10000).astype(np.int16)
    out = pcm.resample(tone, rate_in, rate_out)
    assert out.dtype == np.int16 and out.size == rate_out
    spectrum = np.abs(np.fft.rfft(out.astype(np.float64)))
    assert abs(int(np.argmax(spectrum)) - 440) <= 1
    assert np.array_equal(pcm.resample(tone, rate_in, rate_in), tone)


def test_at_most_max_loaded_voices_stay_loaded_and_the_default_is_kept() -> None:
    engine = ESPEAK.load(EspeakOptions())
    book = VoiceBook([engine], "espeak:en-us", max_loaded=2)
    for name in ("espeak:en-us", "espeak:de", "espeak:fr-fr", "espeak:es"):
        book.voice(name)
    assert book.loaded() == ("espeak:en-us", "espeak:es")


def settings(**values: object) -> TtsSettings:
    return validate_section(TtsSettings, values, "tts")


def test_the_cache_may_not_keep_answers_longer_than_transcripts() -> None:
    with pytest.raises(SettingsError, match="cache_s"):
        settings(cache_s=86_401)
    assert settings(cache_s=86_400).cache_s == 86_400
    assert TtsSettings().cache_s == 300


@pytest.mark.parametrize(
    "values",
    [
        {"max_text_chars": 0},
        {"max_concurrent": 0},
        {"metrics_port": 70000},
        {"default_voice": ""},
        {"default_voice": "espeak:de", "engines": ["piper"]},
        {"no_such_setting": 1},
    ],
)
def test_invalid_settings_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(SettingsError):
        settings(**values)


@pytest.mark.parametrize("length", [1, 10, 62, 100, 101, 102])
def test_resampling_a_piece_shorter_than_the_filter_keeps_its_duration(length: int) -> None:
    piece = (np.arange(length) % 7 * 1000).astype(np.int16)
    out = pcm.resample(piece, 22050, 16000)
    assert out.dtype == np.int16 and out.size == round(length * 16000 / 22050)
