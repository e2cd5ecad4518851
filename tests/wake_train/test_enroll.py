"""`hearth wake enroll`: the owner's own recordings make the model hear their voice.

"The owner" is espeak-ng's whispering female variant (``whisperf``), which no recipe split
uses and which the shipped model misses almost always. The test enrolls five recordings
and then checks, through the real engine, recordings the enrollment never saw: the same
voice at other speeds and pitches, alone and before a command, and that voice's ordinary
talk and sound-alikes, which must still not wake it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from hearth import espeak as hearth_espeak
from hearth_wake.engines.embedding import EmbeddingEngine
from hearth_wake_train.enroll import EnrollmentError, check_samples, read_sample
from hearth_wake_train.record import Microphone, record_takes
from hearth_wake_train.synth import resample
from hearth_wake_train.voices import GROUP_VARIANTS
from tests.wake.test_embedding_engine import RATE, stream, with_room

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")

TAKES_MIC = Path(__file__).resolve().parents[1] / "tools" / "takes_mic.py"
OWNER = "en-us+whisperf"
ENROLLED = (
    (140, 45),
    (150, 50),
    (160, 55),
    (145, 52),
    (155, 48),
)  # (words/min, pitch) of each recording
UNSEEN_TAKES = ((130, 40), (170, 58), (135, 55), (165, 42))  # the owner on other days
OTHER_TALK = (
    "turn on the kitchen lights",
    "what time is it",
    "set a timer for ten minutes",
    "hey sister",
    "hey there",
    "hey siesta",
    "hestia",
    "best here",
    "hey fiesta",
)


def espeak(text: str, speed: int, pitch: int) -> np.ndarray:
    """espeak-ng's own output: 22.05 kHz int16 (what a recording app might hand the owner)."""
    wav = hearth_espeak.speak(text, hearth_espeak.voice_arguments(OWNER, speed, pitch))
    return hearth_espeak.wav_samples(wav)[0].copy()


def espeak16(text: str, speed: int, pitch: int) -> np.ndarray:
    """The owner at 16 kHz, the rate the engine listens at."""
    return (
        resample(espeak(text, speed, pitch).astype(np.float32), 22050, RATE)
        .round()
        .astype(np.int16)
    )


def write_wav(path: Path, samples: np.ndarray, rate: int) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    return path


def recording(path: Path, speed: int, pitch: int, seed: int) -> Path:
    """A phone-style recording: espeak-ng's 22.05 kHz speech between moments of room hiss."""
    rng = np.random.default_rng(seed)
    speech = espeak("hey hestia", speed, pitch).astype(np.float64)
    pad = np.zeros(int(0.4 * 22050))
    audio = np.concatenate([pad, speech, pad]) + rng.normal(0, 20, speech.size + 2 * pad.size)
    return write_wav(path, np.clip(audio, -32768, 32767), 22050)


def mic_takes(directory: Path, takes: list[np.ndarray]) -> list[str]:
    """A microphone command that hears one take per run (tests/tools/takes_mic.py), as 16 kHz raw
    PCM."""
    directory.mkdir(parents=True, exist_ok=True)
    for number, samples in enumerate(takes, start=1):
        (directory / f"take{number}.raw").write_bytes(samples.astype("<i2").tobytes())
    return [sys.executable, str(TAKES_MIC), str(directory)]


def write_config(path: Path, mic_command: list[str]) -> Path:
    path.write_text(json.dumps({"audio": {"mic_command": mic_command}}))  # JSON is YAML
    return path


@pytest.fixture(scope="module")
def enrolled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, float]:
    """Run the real CLI once (quick profile), recording five takes with the configured microphone
    command; returns the model, the command's output and seconds."""
    tmp = tmp_path_factory.mktemp("enroll")
    takes = [
        read_sample(recording(tmp / f"phone{i}.wav", speed, pitch, i))
        for i, (speed, pitch) in enumerate(ENROLLED)
    ]
    config = write_config(tmp / "hearth.yaml", mic_takes(tmp / "mic", takes))
    output = tmp / "hey_hestia_owner.npz"
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hearth",
            "--config",
            str(config),
            "wake",
            "enroll",
            "--record",
            "5",
            "--keep",
            str(tmp / "kept"),
            "--output",
            str(output),
            "--profile",
            "quick",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    kept = sorted((tmp / "kept").glob("take*.wav"))
    assert [p.name for p in kept] == [f"take{i}.wav" for i in range(1, 6)]
    assert all(
        np.array_equal(read_sample(p)[: takes[i].size], takes[i]) for i, p in enumerate(kept)
    )
    assert result.stdout.count('say "hey hestia" now') == 5
    return output, result.stdout, seconds


def test_owner_voice_is_unseen_by_the_recipe() -> None:
    assert OWNER.split("+")[1] not in {v for variants in GROUP_VARIANTS.values() for v in variants}


def test_enrollment_reports_before_and_after_and_writes_a_loadable_model(
    enrolled: tuple[Path, str, float],
) -> None:
    output, text, seconds = enrolled
    assert seconds < 180  # about 30 s alone; the bound leaves room for a busy CI machine
    assert (
        "your recordings detected" in text
        and "false accepts" in text
        and f"model: {output}" in text
    )
    engine = EmbeddingEngine.load(output)
    meta = engine.classifier.metadata["enrollment"]
    before, after = meta["before"], meta["after"]
    assert meta["samples"] == len(ENROLLED) and meta["base_model"] == "hey_hestia.npz"
    assert after["recorded_detected"] > before["recorded_detected"]
    assert after["augmented_detected"] > before["augmented_detected"]
    assert after["false_accepts"] <= before["false_accepts"]  # on voices fine-tuning did not use
    # Everyone else must still be heard, and a loss must be said (the measured loss:
    # docs/wake-word.md, Enrollment). Losing most of them would mean the model learned "this
    # voice" rather than "this phrase in this voice".
    assert after["others_detected"] >= 0.6 * before["others_detected"]
    if after["others_detected"] < before["others_detected"]:
        assert "other voices are heard less well" in text
    assert (
        after["threshold"] >= before["threshold"]
    )  # enrollment never makes the model easier to trigger
    assert engine.wake_words == ("hey hestia",)


def test_enrolled_model_hears_the_owner_on_other_days(enrolled: tuple[Path, str, float]) -> None:
    base, mine = EmbeddingEngine.load(), EmbeddingEngine.load(enrolled[0])
    takes = [
        with_room(espeak16(text, speed, pitch), seed=i)
        for i, (speed, pitch) in enumerate(UNSEEN_TAKES)
        for text in ("hey hestia", "hey hestia, what time is it")
    ]
    base_hits = sum(len(stream(base, pcm, seed=i)) == 1 for i, pcm in enumerate(takes))
    my_hits = sum(len(stream(mine, pcm, seed=i)) == 1 for i, pcm in enumerate(takes))
    assert my_hits >= 6 and my_hits >= base_hits + 4, f"base {base_hits}/8, enrolled {my_hits}/8"


def test_enrolled_model_ignores_the_owners_other_talk(enrolled: tuple[Path, str, float]) -> None:
    mine = EmbeddingEngine.load(enrolled[0])
    for number, text in enumerate(OTHER_TALK):
        for speed, pitch in UNSEEN_TAKES[:2]:
            pcm = with_room(espeak16(text, speed, pitch), seed=number)
            assert stream(mine, pcm, seed=number) == [], f"false wake on {text!r} at {speed} wpm"


def test_bad_samples_are_refused_with_a_reason(tmp_path: Path) -> None:
    good = [recording(tmp_path / f"ok{i}.wav", 150, 50, i) for i in range(3)]
    with pytest.raises(EnrollmentError, match="3 to 10 recordings"):
        check_samples(good[:2])
    text = tmp_path / "notes.wav"
    text.write_text("not audio")
    with pytest.raises(EnrollmentError, match="not a PCM WAV") as info:
        check_samples([*good[:2], text])
    assert str(text) in str(info.value)
    silent = write_wav(tmp_path / "silent.wav", np.zeros(RATE), RATE)
    with pytest.raises(EnrollmentError, match="no speech"):
        check_samples([*good[:2], silent])
    speech = espeak(
        "the children are still asleep upstairs and the kettle has just boiled", 150, 50
    )
    long = write_wav(tmp_path / "sentence.wav", speech, 22050)
    with pytest.raises(EnrollmentError, match="just the wake phrase"):
        check_samples([*good[:2], long])
    assert read_sample(good[0]).dtype == np.int16
    assert check_samples(good)[0].size == pytest.approx(read_sample(good[0]).size)


def test_cli_exits_2_with_the_reason(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hearth",
            "wake",
            "enroll",
            str(tmp_path / "missing.wav"),
            str(tmp_path / "b.wav"),
            str(tmp_path / "c.wav"),
            "--output",
            str(tmp_path / "o.npz"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        result.returncode == 2
        and "does not exist" in result.stderr
        and "Traceback" not in result.stderr
    )
    assert not (tmp_path / "o.npz").exists()


def test_recording_retakes_a_silent_take_and_gives_up_with_the_reason(tmp_path: Path) -> None:
    """Take 1 is silence (the owner was not ready): it is recorded again; a microphone that only
    ever hears silence fails after three tries, saying why, and nothing is written."""
    phrase = read_sample(recording(tmp_path / "phone.wav", 150, 50, 0))
    said: list[str] = []
    hiss = (
        np.random.default_rng(0).integers(-20, 21, RATE).astype(np.int16)
    )  # the room, as the mic hears it after
    microphone = Microphone(mic_takes(tmp_path / "mic", [hiss, phrase, phrase, phrase]))
    paths = record_takes(microphone, 3, tmp_path / "takes", "hey hestia", said.append, pause_s=0.0)
    assert [p.name for p in paths] == ["take1.wav", "take2.wav", "take3.wav"]
    assert sum("that take did not work" in line and "no speech" in line for line in said) == 1
    assert np.array_equal(read_sample(paths[0])[: phrase.size], phrase)  # take 1 is the second try

    silent = write_config(tmp_path / "silent.yaml", mic_takes(tmp_path / "silent-mic", []))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hearth",
            "--config",
            str(silent),
            "wake",
            "enroll",
            "--record",
            "3",
            "--output",
            str(tmp_path / "s.npz"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (
        result.returncode == 2
        and "Take 1 failed 3 times" in result.stderr
        and "Traceback" not in result.stderr
    )
    assert not (tmp_path / "s.npz").exists()


def test_recording_with_a_broken_microphone_command_says_so(tmp_path: Path) -> None:
    config = write_config(tmp_path / "hearth.yaml", ["/nonexistent/arecord"])
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hearth",
            "--config",
            str(config),
            "wake",
            "enroll",
            "--record",
            "3",
            "--output",
            str(tmp_path / "o.npz"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Cannot start the microphone command" in result.stderr
    both = subprocess.run(
        [
            sys.executable,
            "-m",
            "hearth",
            "wake",
            "enroll",
            "a.wav",
            "--record",
            "3",
            "--output",
            str(tmp_path / "o.npz"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert both.returncode == 2 and "not both" in both.stderr
