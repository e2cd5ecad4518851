"""The Whisper check (`wake.verify: whisper`) with the real Whisper base model, on "hey hestia" and
its sound-alikes spoken by voices of three families the shipped wake model never trained on
(Piper, Flite, Festival): the phrase is confirmed, a sound-alike or everyday talk is not, and in a
site stream the sensitive first stage's false wakes are dropped while the phrase gets through.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hearth.models import resolve_whisper_model
from hearth_wake.engine_choice import load_engine
from hearth_wake.engines.embedding import EmbeddingEngine
from hearth_wake.service import BATCH_SAMPLES, SiteStream
from hearth_wake.settings import WakeSettings
from hearth_wake.whisper_check import (
    SPAN_WORDS,
    TAIL_S,
    WhisperCheckOptions,
    WhisperVerifier,
    margin_for,
    spellings,
    with_phrase,
)
from tests.speech import espeak_samples
from tests.wake import test_model_errors_at_start as start_errors

RATE = 16_000
PHRASE = "hey hestia"
SOUND_ALIKES = ("hey hester", "hey siesta", "hey celestia", "hey bestie")
TALK = ("the kettle is on", "hey, is this the one")
config = start_errors.config  # the fixture: a config whose broker is unreachable


def test_the_phrase_is_scored_in_the_spellings_whisper_writes() -> None:
    assert spellings("hey hestia") == ("Hey Hestia", "Hey, Hestia", "hey hestia")
    assert spellings("computer") == ("Computer", "computer")
    assert margin_for(0.0) < margin_for(0.5) < margin_for(1.0)


def test_the_phrase_stands_in_for_a_few_of_the_heard_words() -> None:
    short = with_phrase(PHRASE, "Hey, Hester")
    assert {"Hey Hestia", "Hey, Hestia", "hey hestia"} <= set(short)  # the phrase alone
    heard = "I asked you to turn on the light"
    long = with_phrase(PHRASE, heard)
    assert "Hey Hestia, to turn on the light" in long  # "I asked you" heard for the phrase
    assert "I asked you to turn on the hey Hestia" in long
    assert not set(spellings(PHRASE)) & set(long)  # eight words are more than the phrase
    for sentence in long:
        assert "hestia" in sentence.lower()
        kept = sentence.lower().replace("hey, hestia", "hey hestia").split("hey hestia")
        dropped = len(heard.split()) - sum(len(part.replace(",", " ").split()) for part in kept)
        assert 0 <= dropped <= SPAN_WORDS, sentence


def voices() -> list[Any]:
    """One speaker of each family the shipped model never heard."""
    from hearth_voices import base_voice, sample_voices

    flite = base_voice("flite")
    return [
        sample_voices("piper", 1, seed=5)[0],
        replace(flite, name="flite-slt", settings=replace(flite.settings, voice="slt")),
        sample_voices("festival", 1, seed=5)[0],
    ]


def said(text: str, voice: Any) -> np.ndarray:
    """``text`` as the service hands it to the check: a second of quiet, the speech, then the
    tail the service waits for."""
    from hearth_voices import speak

    speech = speak(text, voice)
    quiet_after = np.zeros(int(TAIL_S * RATE), np.int16)
    return np.concatenate([np.zeros(RATE, np.int16), speech, quiet_after])


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> WhisperVerifier:
    model = resolve_whisper_model("whisper-base", None, tmp_path_factory.mktemp("whisper-data"))
    return WhisperVerifier.load(WhisperCheckOptions(model_dir=model), [PHRASE])


@pytest.mark.parametrize("voice", voices(), ids=lambda voice: voice.name)
def test_the_phrase_is_confirmed_and_its_sound_alikes_are_not(
    verifier: WhisperVerifier, voice: Any
) -> None:
    verdict = verifier.judge(PHRASE, said(PHRASE, voice))
    assert verdict.confirmed, verdict
    for text in (*SOUND_ALIKES, *TALK):
        verdict = verifier.judge(PHRASE, said(text, voice))
        assert not verdict.confirmed, (text, verdict)


def test_silence_and_noise_are_not_confirmed(verifier: WhisperVerifier) -> None:
    noise = np.random.default_rng(3).normal(0, 800, 3 * RATE).astype(np.int16)
    assert not verifier.confirm(PHRASE, np.zeros(3 * RATE, np.int16))
    assert not verifier.confirm(PHRASE, noise)


def test_with_the_check_the_first_stage_runs_at_the_checked_threshold(tmp_path: Path) -> None:
    checked = load_engine(WakeSettings(verify="whisper"))
    alone = load_engine(WakeSettings(verify="off"))
    auto = load_engine(WakeSettings(), tmp_path)  # the model joins from its pip packages
    assert isinstance(checked, EmbeddingEngine) and isinstance(alone, EmbeddingEngine)
    recorded = checked.classifier.checked_logit  # the shipped model records its own
    assert recorded is not None
    assert isinstance(auto, EmbeddingEngine) and auto.threshold_logit == recorded
    assert checked.threshold_logit == recorded < alone.threshold_logit - 10
    # Sensitivity still moves it, around the checked threshold.
    assert (
        checked.open_stream(1.0).threshold < checked.threshold < checked.open_stream(0.0).threshold
    )


def test_the_site_stream_lets_the_phrase_through_and_drops_false_wakes(
    verifier: WhisperVerifier,
) -> None:
    from hearth_voices import speak

    voice = voices()[0]
    engine = load_engine(WakeSettings(verify="whisper"))
    # The most sensitive first stage, and sound-alikes in espeak-ng's voice too (the family the
    # shipped model trained on, whose sound-alikes it scores highest): it false-wakes.
    site = SiteStream("kitchen", engine, engine.open_stream(1.0), verifier)
    pause = np.zeros(RATE, np.int16)
    parts = [pause]
    for text in (*SOUND_ALIKES, *TALK):
        parts += [speak(text, voice), pause, pause, pause]
    for text in SOUND_ALIKES:
        parts += [espeak_samples(text), pause, pause, pause]
    phrase = speak(PHRASE, voice)
    parts += [phrase, pause, pause]
    stream = np.concatenate(parts)
    phrase_end = stream.size - 2 * RATE
    detected, confirmed = 0, []
    for start in range(0, stream.size, BATCH_SAMPLES):
        hits = site.process(stream[start : start + BATCH_SAMPLES])
        detected += len(hits)
        site.unverified += hits
        confirmed += site.sure_detections()  # as the service does: these go out unchecked
        confirmed += [hit for hit in site.due_for_verification() if site.verify(hit)]
    assert detected > len(confirmed)  # the sensitive first stage false-woke ...
    assert len(confirmed) == 1, confirmed  # ... and only the phrase got through
    assert phrase_end - phrase.size < confirmed[0].end_sample <= phrase_end + RATE // 2


def test_a_missing_whisper_model_stops_the_service_naming_the_setting(
    tmp_path: Path, config: Path
) -> None:
    empty = tmp_path / "not-a-model"
    empty.mkdir()
    result = start_errors.start_wake(
        config, tmp_path, verify="whisper", whisper_model_dir=str(empty)
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "wake.verify" in result.stderr and "wake.whisper_model_dir" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_detection_the_first_stage_is_sure_of_goes_out_unchecked_at_once(
    verifier: WhisperVerifier,
) -> None:
    """espeak-ng's voice, which the shipped model trained on, passes the model's own calibrated
    threshold: it needs no check and does not wait for one (Whisper hears espeak-ng poorly)."""
    engine = load_engine(WakeSettings(verify="whisper"))
    site = SiteStream("kitchen", engine, engine.open_stream(0.5), verifier)
    phrase = espeak_samples(PHRASE)
    stream = np.concatenate([np.zeros(RATE, np.int16), phrase, np.zeros(2 * RATE, np.int16)])
    sure, checked, sure_at = [], [], 0
    for start in range(0, stream.size, BATCH_SAMPLES):
        site.unverified += site.process(stream[start : start + BATCH_SAMPLES])
        if not sure and (found := site.sure_detections()):
            sure, sure_at = found, site.consumed
        checked += site.due_for_verification()
    assert len(sure) == 1 and checked == []
    phrase_end = RATE + phrase.size
    assert sure_at < phrase_end + int(TAIL_S * RATE)  # out before a check could even start


def test_with_every_detection_checked_a_sure_one_waits_for_the_check(
    verifier: WhisperVerifier,
) -> None:
    """`wake.verify_every_detection: true`: the same espeak-ng phrase is checked like any other."""
    engine = load_engine(WakeSettings(verify="whisper"))
    site = SiteStream("kitchen", engine, engine.open_stream(0.5), verifier, True)
    phrase = espeak_samples(PHRASE)
    stream = np.concatenate([np.zeros(RATE, np.int16), phrase, np.zeros(2 * RATE, np.int16)])
    sure, due = [], []
    for start in range(0, stream.size, BATCH_SAMPLES):
        site.unverified += site.process(stream[start : start + BATCH_SAMPLES])
        sure += site.sure_detections()
        due += site.due_for_verification()
    assert sure == [] and len(due) == 1
