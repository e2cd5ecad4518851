"""The recipe's voice families: a run uses only the families it is given (so leaving one out of
training really leaves it out), a family that cannot speak stops training before any work, and
an unknown family is refused by the command line."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from hearth.espeak import SynthesisError
from hearth_voices import Voice as FamilyVoice
from hearth_wake_train import train_model
from hearth_wake_train.clips import ClipJob, speaker
from hearth_wake_train.families import (
    ALL_FAMILIES,
    FAMILY_SHARES,
    parse_families,
)
from hearth_wake_train.voices import Voice as EspeakVoice
from tests import timeouts


def _family_of(voice: EspeakVoice | FamilyVoice) -> str:
    return "espeak" if isinstance(voice, EspeakVoice) else voice.family


@pytest.mark.parametrize("left_out", ALL_FAMILIES)
def test_a_run_without_a_family_never_speaks_with_it(left_out: str) -> None:
    families = tuple(f for f in ALL_FAMILIES if f != left_out)
    seen = Counter(
        _family_of(speaker(ClipJob("hey hestia", group, "pos_alone", (0,), 0.0, families), rng))
        for group in ("train", "calibration", "evaluation")
        for rng in (np.random.default_rng([7, n]) for n in range(300))
    )
    assert left_out not in seen
    assert set(seen) == set(families)


def test_every_family_gets_about_its_share_of_clips() -> None:
    rng = np.random.default_rng(3)
    job = ClipJob("hey hestia", "train", "pos_alone", (0,), 0.0, ALL_FAMILIES)
    seen = Counter(_family_of(speaker(job, rng)) for _ in range(2000))
    for family, share in FAMILY_SHARES.items():
        assert abs(seen[family] / 2000 - share) < 0.05, seen


def test_families_are_parsed_and_checked() -> None:
    assert parse_families("espeak, piper,espeak") == ("espeak", "piper")
    with pytest.raises(ValueError, match="unknown voice families nope"):
        parse_families("espeak,nope")


def test_a_family_that_cannot_speak_stops_training_before_any_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr("hearth_voices.flite_family.PROGRAM", "no-such-flite")
    with pytest.raises(SynthesisError, match="flite: flite is not installed .*apt install flite"):
        train_model("hey hestia", tmp_path / "x.npz", profile="tiny", progress=False)
    assert not (tmp_path / "x.npz").exists()


def test_the_command_refuses_an_unknown_family(tmp_path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hearth", "wake", "train", "hey hestia", "--families", "klingon"],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "unknown voice families klingon; choose from espeak, piper, festival, flite" in (
        result.stderr
    )
    assert not list(tmp_path.iterdir())


def test_recipe_2_speaks_with_espeak_alone(tmp_path) -> None:
    with pytest.raises(ValueError, match="Recipe 2 speaks with espeak-ng alone"):
        train_model(
            "hey hestia",
            tmp_path / "x.npz",
            profile="tiny",
            progress=False,
            voice_families=("espeak", "piper"),
            recipe="2",
        )
    job = ClipJob("hey hestia", "train", "pos_alone", (0,), 0.0, ("espeak",), "2")
    assert all(isinstance(speaker(job, np.random.default_rng(n)), EspeakVoice) for n in range(50))
