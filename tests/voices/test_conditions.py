"""Conditions do what they say: SNR as asked, reverb lengthens the tail, tempo changes the
duration, quieter far away, and the same seed gives the same clip."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hearth.pcm import SAMPLE_RATE
from hearth_voices import STANDARD_CONDITIONS, Condition, Room, apply, base_voice, speak
from hearth_voices.audio import active_rms, frame_rms, to_float
from hearth_voices.conditions import MICROPHONES, sample_conditions
from hearth_voices.noises import NOISE_KINDS


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    return speak("set a timer for five minutes", base_voice("espeak"))


@pytest.mark.parametrize("kind", NOISE_KINDS)
def test_noise_is_added_at_the_asked_snr(speech: np.ndarray, kind: str) -> None:
    noisy = apply(speech, Condition("noisy", noise=kind, snr_db=10.0), seed=3)
    added = to_float(noisy) - to_float(speech)
    snr = 20 * math.log10(active_rms(to_float(speech)) / float(np.sqrt(np.mean(added**2))))
    assert snr == pytest.approx(10.0, abs=0.5)


def test_a_reverberant_room_lengthens_the_tail(speech: np.ndarray) -> None:
    room = Room(rt60_s=0.6, distance_m=2.5)
    wet = apply(speech, Condition("reverberant", room=room), seed=3)
    assert wet.size == speech.size + int(0.6 * SAMPLE_RATE)
    last_speech = frame_rms(to_float(speech))[-5:].mean()
    tail = frame_rms(to_float(wet)[speech.size :])
    assert tail[:10].mean() > 10 * max(last_speech, 1e-6)


@pytest.mark.parametrize("tempo", [0.8, 1.25])
def test_tempo_changes_the_duration(speech: np.ndarray, tempo: float) -> None:
    changed = apply(speech, Condition("tempo", tempo=tempo), seed=3)
    assert changed.size / speech.size == pytest.approx(1 / tempo, rel=0.03)


def test_far_speech_is_quieter(speech: np.ndarray) -> None:
    far = apply(speech, Condition("far", level_db=-20.0), seed=3)
    ratio = active_rms(to_float(far)) / active_rms(to_float(speech))
    assert 20 * math.log10(ratio) == pytest.approx(-20.0, abs=0.2)


def test_a_telephone_microphone_removes_the_low_and_high_frequencies(speech: np.ndarray) -> None:
    coloured = to_float(apply(speech, Condition("phone", microphone="telephone"), seed=3))
    spectrum = np.abs(np.fft.rfft(coloured)) ** 2
    original = np.abs(np.fft.rfft(to_float(speech), coloured.size)) ** 2
    frequencies = np.fft.rfftfreq(coloured.size, 1 / SAMPLE_RATE)
    high = frequencies > 5000
    assert spectrum[high].sum() < 0.05 * original[high].sum()
    assert set(MICROPHONES) >= {"telephone"}


@pytest.mark.parametrize("condition", STANDARD_CONDITIONS, ids=lambda c: c.name)
def test_every_standard_condition_is_reproducible(speech: np.ndarray, condition: Condition) -> None:
    once, again = apply(speech, condition, seed=9), apply(speech, condition, seed=9)
    assert once.dtype == np.int16
    assert np.array_equal(once, again)
    if condition.name != "clean":
        assert once.size != speech.size or not np.array_equal(once, speech)


def test_sampled_conditions_are_reproducible_and_varied() -> None:
    conditions = sample_conditions(20, seed=4)
    assert conditions == sample_conditions(20, seed=4)
    assert len({condition.noise for condition in conditions}) >= 4
    assert any(condition.room is not None for condition in conditions)
    assert any(condition.microphone is not None for condition in conditions)
