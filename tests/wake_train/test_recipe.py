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
