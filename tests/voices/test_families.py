"""Every family speaks here, in Hearth's format, reproducibly, and its pseudo-speakers differ."""

from __future__ import annotations

import numpy as np
import pytest

from hearth.pcm import SAMPLE_RATE
from hearth_voices import (
    FAMILIES,
    FamilyUnavailable,
    Voice,
    available_families,
    base_voice,
    sample_voices,
    speak,
)
from hearth_voices.speakers import HELD_OUT_TRACT_BANDS, in_bands

SENTENCE = "turn off the bedroom light"


def test_every_family_is_available_on_a_development_machine() -> None:
    assert available_families() == {family: None for family in FAMILIES}


@pytest.mark.parametrize("family", FAMILIES)
def test_a_family_speaks_a_sentence_in_hearths_format(family: str) -> None:
    samples = speak(SENTENCE, base_voice(family))
    assert samples.dtype == np.int16
    assert samples.ndim == 1
    assert 0.8 < samples.size / SAMPLE_RATE < 3.5
    assert np.abs(samples).max() > 1000


@pytest.mark.parametrize("family", FAMILIES)
def test_two_speakers_of_a_family_sound_different(family: str) -> None:
    first, second = sample_voices(family, 2, seed=11)
    one, other = speak(SENTENCE, first), speak(SENTENCE, second)
    assert one.size != other.size or not np.array_equal(one, other)


@pytest.mark.parametrize("family", FAMILIES)
def test_the_same_seed_gives_the_same_speakers_and_the_same_samples(family: str) -> None:
    voices = sample_voices(family, 3, seed=5)
    assert voices == sample_voices(family, 3, seed=5)
    assert voices != sample_voices(family, 3, seed=6)
    assert np.array_equal(speak(SENTENCE, voices[0]), speak(SENTENCE, voices[0]))


@pytest.mark.parametrize("family", FAMILIES)
def test_held_out_speakers_never_appear_among_the_others(family: str) -> None:
    held_out = sample_voices(family, 20, seed=1, held_out=True)
    others = sample_voices(family, 50, seed=1)
    assert all(in_bands(voice.perturbation.tract, HELD_OUT_TRACT_BANDS) for voice in held_out)
    assert not any(in_bands(voice.perturbation.tract, HELD_OUT_TRACT_BANDS) for voice in others)
    assert not {voice.settings for voice in held_out} & {voice.settings for voice in others}


def test_a_missing_family_is_an_error_that_names_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("hearth_voices.festival_family.PROGRAM", "no-such-text2wave")
    assert "festvox-kdlpc16k" in str(available_families()["festival"])
    with pytest.raises(FamilyUnavailable, match="festival festvox-kdlpc16k"):
        speak(SENTENCE, base_voice("festival"))


def test_the_voice_tells_its_family() -> None:
    voice: Voice = sample_voices("piper", 1, seed=2)[0]
    assert voice.family == "piper"


def test_festival_comes_back_after_its_process_dies() -> None:
    from hearth_voices import festival_family

    voice = base_voice("festival")
    before = speak(SENTENCE, voice)
    process = festival_family.PROCESS.running()
    process.kill()
    process.wait()
    assert np.array_equal(speak(SENTENCE, voice), before)


def test_text_with_quotes_and_backslashes_is_spoken_not_evaluated() -> None:
    samples = speak('say "(quit)" \\ now', base_voice("festival"))
    assert samples.size / SAMPLE_RATE > 0.5
    assert speak("still here", base_voice("festival")).size > 0
