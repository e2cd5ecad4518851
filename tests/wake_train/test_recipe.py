"""The training recipe end to end (tiny profile), and the voices it must never use."""

from __future__ import annotations

import shutil
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from hearth_wake.engines.embedding import EmbeddingEngine
from hearth_wake_train import train_model
from hearth_wake_train.evaluate import HeldOut, choose_threshold
from hearth_wake_train.recipe import CHECKED_FIRES_PER_HOUR
from hearth_wake_train.voices import GROUP_VARIANTS, TEST_ONLY_VARIANTS
from tests.wake.test_embedding_engine import RATE, UNSEEN_VOICES


def test_test_voices_are_unseen_by_the_recipe() -> None:
    used = {v for variants in GROUP_VARIANTS.values() for v in variants}
    assert {voice.split("+")[1] for voice in UNSEEN_VOICES} <= set(TEST_ONLY_VARIANTS)
    assert not used & set(TEST_ONLY_VARIANTS)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")
def test_tiny_training_profile_end_to_end(tmp_path: Path) -> None:
    output = tmp_path / "tiny.npz"
    started = time.monotonic()
    report = train_model("hey hestia", output, profile="tiny", progress=False)
    assert time.monotonic() - started < 60
    assert zipfile.is_zipfile(output) and report.output == output
    assert 0.0 <= report.detection_rate <= 1.0 and report.false_accepts_per_hour >= 0
    assert 0.0 < report.threshold < 1.0 and report.train_positive_windows > 0
    engine = EmbeddingEngine.load(output)
    assert engine.wake_words == ("hey hestia",)
    assert engine.classifier.metadata["detection_rate"] == report.detection_rate
    assert engine.open_stream().process(np.zeros(RATE, np.int16)) == []
    checked = EmbeddingEngine.load(output, checked=True)
    assert checked.threshold_logit == report.checked_threshold_logit <= engine.calibrated_logit


def test_the_checked_threshold_is_the_lowest_within_its_firing_budget() -> None:
    """What training records for a checked first stage: the lowest threshold at which the model
    fires at most the budgeted times an hour of calibration negatives, however far below the
    floor (-2) the calibrated threshold keeps to."""
    rng = np.random.default_rng(0)
    negatives = [rng.normal(-16.0, 3.0, 4500) for _ in range(4)]  # 4 x 6 min of 80 ms frames
    held = HeldOut(np.array([5.0]), negatives, 4 * 4500 * 0.08 / 3600)
    refractory = 25
    checked = choose_threshold(held, CHECKED_FIRES_PER_HOUR, refractory, -np.inf)
    assert held.false_accepts_per_hour(checked, refractory) <= CHECKED_FIRES_PER_HOUR
    assert held.false_accepts_per_hour(checked - 0.05, refractory) > CHECKED_FIRES_PER_HOUR
    assert checked < -2.0 <= choose_threshold(held, CHECKED_FIRES_PER_HOUR, refractory)
