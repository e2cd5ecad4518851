"""The training recipe: synthesize, embed, train, calibrate on held-out voices, write the model."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from hearth_wake.engines.speech_embedding import EMBEDDING_DIM, HOP_SAMPLES, SAMPLE_RATE, SpeechEmbedding
from hearth_wake.engines.wake_model import FORMAT_NAME, FORMAT_VERSION, WakeClassifier, sigmoid
from hearth_wake.training import dataset, evaluate, mlp
from hearth_wake.training.clips import ClipFrames, ClipJob, embed_clip
from hearth_wake.training.progress import Progress
from hearth_wake.training.synth import SynthesisError, espeak_available

RECIPE_VERSION = "1"
WINDOW_FRAMES = 16
TARGET_FALSE_ACCEPTS_PER_HOUR = 0.5
REFRACTORY_S = 2.0


@dataclass(frozen=True)
class Profile:
    """How much data and training one run gets."""

    clips: dict[str, dict[str, int]]  # group -> kind -> number of clips
    stream_seconds: float
    settings: mlp.TrainSettings


PROFILES: dict[str, Profile] = {
    "tiny": Profile(
        clips={
            "train": {"pos_alone": 60, "pos_command": 40, "pos_inside": 20, "neg_confusable": 60,
                      "neg_speech": 50, "neg_noise": 20, "neg_stream": 2},
            "calibration": {"pos_alone": 12, "pos_command": 8, "neg_confusable": 12, "neg_noise": 4, "neg_stream": 1},
            "evaluation": {"pos_alone": 12, "pos_command": 8, "neg_confusable": 12, "neg_noise": 4, "neg_stream": 1},
        },
        stream_seconds=30.0,
        settings=mlp.TrainSettings(hidden=16, epochs=3, negatives_per_epoch=20_000),
    ),
    "default": Profile(
        clips={
            "train": {"pos_alone": 2000, "pos_command": 1600, "pos_inside": 800, "neg_confusable": 2500,
                      "neg_speech": 2000, "neg_noise": 500, "neg_stream": 40},
            "calibration": {"pos_alone": 250, "pos_command": 200, "pos_inside": 100, "neg_confusable": 300,
                            "neg_noise": 50, "neg_stream": 45},
            "evaluation": {"pos_alone": 350, "pos_command": 300, "pos_inside": 150, "neg_confusable": 400,
                           "neg_noise": 50, "neg_stream": 80},
        },
        stream_seconds=60.0,
        settings=mlp.TrainSettings(hidden=64, epochs=14, negatives_per_epoch=240_000),
    ),
}
_GROUP_IDS = {"train": 0, "calibration": 1, "evaluation": 2}
_KIND_IDS = {k: i for i, k in enumerate(
    ("pos_alone", "pos_command", "pos_inside", "neg_confusable", "neg_speech", "neg_noise", "neg_stream"))}


@dataclass(frozen=True)
class TrainReport:
    """What a training run produced and how well it did on voices it never trained on."""

    phrase: str
    output: Path
    seed: int
    profile: str
    recipe_version: str
    threshold: float
    detection_rate: float  # evaluation voices
    false_accepts_per_hour: float  # evaluation voices
    evaluation_positive_clips: int
    evaluation_negative_hours: float
    calibration_detection_rate: float
    calibration_false_accepts_per_hour: float
    calibration_negative_hours: float
    train_clips: int
    train_positive_windows: int
    train_negative_windows: int
    embedding_sha256: str
    seconds: float


def train_model(
    phrase: str,
    output: Path,
    *,
    seed: int = 0,
    profile: str = "default",
    progress: bool = True,
    workers: int = 1,
) -> TrainReport:
    """Train a wake model for ``phrase`` from synthetic speech and write it to ``output`` (.npz).

    Deterministic for a given seed, phrase and profile, whatever the number of workers.
    """
    started = time.monotonic()
    phrase = " ".join(phrase.lower().split())
    if not phrase:
        raise ValueError("The wake phrase is empty.")
    if profile not in PROFILES:
        raise ValueError(f"Unknown training profile {profile!r}; choose one of {', '.join(PROFILES)}.")
    if not espeak_available():
        raise SynthesisError("espeak-ng is not installed; install it (Debian: `apt-get install espeak-ng`).")
    plan = PROFILES[profile]
    embedding = SpeechEmbedding(threads=1)
    clips = _render_all(_jobs(phrase, seed, plan), workers, progress)
    splits = {g: dataset.build([c for c in clips if c.group == g], embedding.silence_frame, WINDOW_FRAMES)
              for g in _GROUP_IDS}
    classifier = _fit(splits["train"], plan.settings, seed, progress)
    refractory = int(round(REFRACTORY_S * SAMPLE_RATE / HOP_SAMPLES))
    calibration = evaluate.score_split(splits["calibration"], classifier.logits)
    evaluation = evaluate.score_split(splits["evaluation"], classifier.logits)
    logit_threshold = evaluate.choose_threshold(calibration, TARGET_FALSE_ACCEPTS_PER_HOUR, refractory)
    train = splits["train"]
    report = TrainReport(
        phrase=phrase, output=Path(output), seed=seed, profile=profile, recipe_version=RECIPE_VERSION,
        threshold=float(sigmoid(np.float64(logit_threshold))),
        detection_rate=evaluation.detection_rate(logit_threshold),
        false_accepts_per_hour=evaluation.false_accepts_per_hour(logit_threshold, refractory),
        evaluation_positive_clips=int(evaluation.positive_best.size),
        evaluation_negative_hours=evaluation.negative_hours,
        calibration_detection_rate=calibration.detection_rate(logit_threshold),
        calibration_false_accepts_per_hour=calibration.false_accepts_per_hour(logit_threshold, refractory),
        calibration_negative_hours=calibration.negative_hours,
        train_clips=len(train.clips),
        train_positive_windows=int(np.sum(train.labels == 1)),
        train_negative_windows=int(np.sum(train.labels == 0)),
        embedding_sha256=embedding.sha256,
        seconds=0.0,
    )
    report = replace(report, seconds=round(time.monotonic() - started, 1))
    _write(classifier, report, Path(output))
    return report


def _jobs(phrase: str, seed: int, plan: Profile) -> list[ClipJob]:
    jobs = []
    for group, kinds in plan.clips.items():
        for kind, count in kinds.items():
            for index in range(count):
                entropy = (seed, _GROUP_IDS[group], _KIND_IDS[kind], index)
                seconds = plan.stream_seconds if kind == "neg_stream" else 0.0
                jobs.append(ClipJob(phrase, group, kind, entropy, seconds))
    return jobs


_WORKER_EMBEDDING: SpeechEmbedding | None = None


def _worker_init() -> None:
    global _WORKER_EMBEDDING
    _WORKER_EMBEDDING = SpeechEmbedding(threads=1)


def _worker_embed(job: ClipJob) -> ClipFrames:
    assert _WORKER_EMBEDDING is not None
    return embed_clip(job, _WORKER_EMBEDDING)


def _render_all(jobs: list[ClipJob], workers: int, progress: bool) -> list[ClipFrames]:
    bar = Progress("synthesizing clips", len(jobs), progress)
    results = []
    for clip in _map(jobs, workers):
        results.append(clip)
        bar.advance()
    return results


def _map(jobs: list[ClipJob], workers: int) -> Iterator[ClipFrames]:
    """Ordered results, so the data set is identical for any number of workers."""
    if workers <= 1:
        _worker_init()
        yield from map(_worker_embed, jobs)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_worker_init) as pool:
        yield from pool.imap(_worker_embed, jobs, chunksize=8)


def _fit(train: dataset.FrameSet, settings: mlp.TrainSettings, seed: int, progress: bool) -> WakeClassifier:
    mean = train.frames.mean(axis=0).astype(np.float32)
    std = (train.frames.std(axis=0) + 1e-3).astype(np.float32)
    positives = np.flatnonzero(train.labels == 1)
    negatives = np.flatnonzero(train.labels == 0)
    if positives.size == 0 or negatives.size == 0:
        raise RuntimeError("Training produced no positive or no negative windows; check espeak-ng output.")
    bar = Progress("training classifier", settings.epochs, progress)

    def features(ids: np.ndarray) -> np.ndarray:
        windows = (train.windows(ids) - mean) / std
        return windows.reshape(ids.size, -1)

    weights = mlp.train(
        features, positives, negatives, train.weights[negatives], WINDOW_FRAMES * EMBEDDING_DIM, settings,
        np.random.default_rng([seed, 7]), on_epoch=lambda epoch, loss: bar.advance(note=f"loss {loss:.4f}"),
    )
    return WakeClassifier(mean, std, weights.w1, weights.b1, weights.w2, weights.b2, metadata={
        "format": FORMAT_NAME, "format_version": FORMAT_VERSION, "window_frames": WINDOW_FRAMES, "threshold": 0.5,
        "phrase": "", "embedding_sha256": "",
    })


def _write(classifier: WakeClassifier, report: TrainReport, output: Path) -> None:
    figures = {k: v for k, v in asdict(report).items() if k != "output"}
    metadata = {
        **classifier.metadata,
        **figures,
        "target_false_accepts_per_hour": TARGET_FALSE_ACCEPTS_PER_HOUR,
        "refractory_s": REFRACTORY_S,
        "hidden_units": int(classifier.b1.shape[0]),
        "voices": "espeak-ng; held out by variant (see hearth_wake.training.voices)",
    }
    replace(classifier, metadata=metadata).save(output)
