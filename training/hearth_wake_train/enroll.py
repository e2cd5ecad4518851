"""Enrollment: fine-tune a wake model on a few recordings of the owner saying the phrase.

The shipped model only ever heard espeak-ng. A real household voice can sit outside
everything it learned (the benchmark's misses are unusual speeds, pitches and whispers),
and three to ten samples of that voice fix most of it. The samples are augmented the
way the recipe augments synthetic speech (speed, level, room, noise) and mixed with
synthetic positives, so the model learns the owner's voice without forgetting everyone
else's; synthetic negatives (sound-alikes, talk, noise) keep it from learning "this
voice = wake". The result is checked before it is written: detection on the owner's
recordings, and false accepts on negatives from voices fine-tuning did not use, both
for the old and the new model; the threshold is never lowered below the old model's,
and is raised if the new model would false-accept more on those negatives.

Enrollment is a trade: the owner's voice is heard much better and other voices somewhat worse,
and nothing tried changed that (the measurements: docs/wake-word.md, Enrollment). So the figures
are shown and the owner decides; the base model is never overwritten.
"""

from __future__ import annotations

import hashlib
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hearth import espeak
from hearth.espeak import SynthesisError
from hearth.pcm import SAMPLE_RATE
from hearth_wake.engines import WakeModelError
from hearth_wake.engines.embedding import DEFAULT_MODEL
from hearth_wake.engines.speech_embedding import EMBEDDING_DIM, HOP_SAMPLES, SpeechEmbedding
from hearth_wake.engines.wake_model import WakeClassifier, load_classifier, sigmoid
from hearth_wake_train import augment, dataset, evaluate, mlp
from hearth_wake_train.clips import KIND_IDS, ClipFrames, ClipJob, embed_audio, embed_clips
from hearth_wake_train.progress import Progress
from hearth_wake_train.recipe import REFRACTORY_S
from hearth_wake_train.synth import resample

MIN_SAMPLES, MAX_SAMPLES = 3, 10
MIN_SPEECH_S, MAX_SPEECH_S = 0.3, 3.0  # the phrase alone, not a sentence
ENROLL_VERSION = "1"
_SEED_TAG = 9  # keeps enrollment's synthetic clips distinct from the recipe's (tags 0..2)


class EnrollmentError(ValueError):
    """The samples or the base model cannot be used; the message says what to do."""


@dataclass(frozen=True)
class EnrollProfile:
    """How much synthetic data enrollment renders and how long it fine-tunes."""

    copies_per_sample: int  # augmented copies of each owner recording used for fine-tuning
    check_copies_per_sample: int  # further copies (other random rooms) used only to check
    train_clips: dict[str, int]  # synthetic clips (voices of the recipe's training split)
    check_clips: dict[
        str, int
    ]  # synthetic negatives from the calibration split: the false-accept check
    others_clips: dict[
        str, int
    ]  # synthetic positives from the calibration split: is everyone else still heard?
    stream_seconds: float
    settings: mlp.TrainSettings


ENROLL_PROFILES: dict[str, EnrollProfile] = {
    # A few minutes on one core: what `hearth wake enroll` runs.
    "default": EnrollProfile(
        copies_per_sample=40,
        check_copies_per_sample=10,
        train_clips={
            "pos_alone": 200,
            "pos_command": 150,
            "pos_inside": 50,
            "neg_confusable": 600,
            "neg_speech": 300,
            "neg_noise": 100,
            "neg_stream": 8,
        },
        check_clips={"neg_confusable": 300, "neg_noise": 30, "neg_stream": 20},
        others_clips={"pos_alone": 60, "pos_command": 60},
        stream_seconds=60.0,
        settings=mlp.TrainSettings(
            epochs=6, negatives_per_epoch=60_000, learning_rate=2e-3, input_dropout=0.1
        ),
    ),
    # Under a minute: tests and a first try.
    "quick": EnrollProfile(
        copies_per_sample=30,
        check_copies_per_sample=6,
        train_clips={
            "pos_alone": 40,
            "pos_command": 30,
            "neg_confusable": 160,
            "neg_speech": 60,
            "neg_noise": 20,
            "neg_stream": 2,
        },
        check_clips={"neg_confusable": 60, "neg_noise": 6, "neg_stream": 4},
        others_clips={"pos_alone": 20, "pos_command": 20},
        stream_seconds=45.0,
        settings=mlp.TrainSettings(
            epochs=6, negatives_per_epoch=24_000, learning_rate=2e-3, input_dropout=0.1
        ),
    ),
}


@dataclass(frozen=True)
class Figures:
    """One model measured on the enrollment checks."""

    threshold: float  # score threshold (0..1)
    recorded_detected: int  # of the owner's recordings as given
    augmented_detected: (
        int  # of owner recordings in other simulated rooms (not used for fine-tuning)
    )
    augmented_total: int
    others_detected: (
        int  # the phrase from other (synthetic, held-out) voices: enrollment must not lose them
    )
    others_total: int
    false_accepts: int  # on the check negatives
    false_accepts_per_hour: float


@dataclass(frozen=True)
class EnrollReport:
    phrase: str
    output: Path
    samples: int
    before: Figures
    after: Figures
    check_negative_hours: float
    seconds: float

    def table(self) -> str:
        """The before/after comparison the owner sees."""
        rows = [
            (
                "your recordings detected",
                f"{self.before.recorded_detected}/{self.samples}",
                f"{self.after.recorded_detected}/{self.samples}",
            ),
            (
                "your voice, other rooms",
                f"{self.before.augmented_detected}/{self.before.augmented_total}",
                f"{self.after.augmented_detected}/{self.after.augmented_total}",
            ),
            (
                f"false accepts ({self.check_negative_hours * 60:.0f} min of other voices)",
                f"{self.before.false_accepts} ({self.before.false_accepts_per_hour:.1f}/h)",
                f"{self.after.false_accepts} ({self.after.false_accepts_per_hour:.1f}/h)",
            ),
            (
                "other voices detected",
                f"{self.before.others_detected}/{self.before.others_total}",
                f"{self.after.others_detected}/{self.after.others_total}",
            ),
            ("threshold", f"{self.before.threshold:.6f}", f"{self.after.threshold:.6f}"),
        ]
        width = max(len(r[0]) for r in rows)
        lines = [f"{'':<{width}}  {'before':>14}  {'after':>14}"]
        lines += [f"{name:<{width}}  {a:>14}  {b:>14}" for name, a, b in rows]
        return "\n".join(lines)


def read_sample(path: Path) -> np.ndarray:
    """A WAV file as 16 kHz mono int16 (16-bit PCM at any rate and channel count is converted)."""
    try:
        with wave.open(str(path), "rb") as reader:
            width, channels, rate = (
                reader.getsampwidth(),
                reader.getnchannels(),
                reader.getframerate(),
            )
            raw = reader.readframes(reader.getnframes())
    except FileNotFoundError as exc:
        raise EnrollmentError(f"Sample {path} does not exist.") from exc
    except (wave.Error, EOFError) as exc:
        raise EnrollmentError(
            f"Sample {path} is not a PCM WAV file ({exc}); convert it, e.g. "
            f"`sox in.mp3 -r 16000 -c 1 -b 16 out.wav`."
        ) from exc
    if width != 2:
        raise EnrollmentError(
            f"Sample {path} is {width * 8}-bit; enrollment reads 16-bit PCM WAV "
            f"(`sox {path.name} -b 16 out.wav` converts it)."
        )
    samples = np.frombuffer(raw[: len(raw) // (2 * channels) * 2 * channels], dtype="<i2").astype(
        np.float32
    )
    samples = samples.reshape(-1, channels).mean(axis=1)
    samples = resample(samples, rate, SAMPLE_RATE)
    return np.clip(np.round(samples), -32768, 32767).astype(np.int16)


def speech_bounds(audio: np.ndarray) -> tuple[int, int]:
    """Start and end sample of the speech in a recording: 10 ms frames well above the recording's
    own floor."""
    hop = SAMPLE_RATE // 100
    frames = audio[: audio.size // hop * hop].astype(np.float64).reshape(-1, hop)
    if frames.shape[0] == 0:
        return 0, 0
    level = 10.0 * np.log10(np.mean(frames**2, axis=1) + 1.0)
    floor = np.percentile(level, 10)
    threshold = max(
        floor + 12.0, level.max() - 35.0, 20.0
    )  # 20 dB: about +-10 of 32768, i.e. digital silence
    loud = np.flatnonzero(level > threshold)
    if loud.size == 0:
        return 0, 0
    return int(loud[0] * hop), int((loud[-1] + 1) * hop)


def check_samples(paths: list[Path]) -> list[np.ndarray]:
    """Load the samples and refuse ones that cannot be the phrase alone, before minutes of work."""
    if not MIN_SAMPLES <= len(paths) <= MAX_SAMPLES:
        raise EnrollmentError(
            f"Enrollment needs {MIN_SAMPLES} to {MAX_SAMPLES} recordings of the phrase, "
            f"got {len(paths)}."
        )
    return [check_sample(path) for path in paths]


def check_sample(path: Path) -> np.ndarray:
    """One recording, refused with the reason if it cannot be the phrase alone."""
    audio = read_sample(path)
    start, end = speech_bounds(audio)
    seconds = (end - start) / SAMPLE_RATE
    if seconds < MIN_SPEECH_S:
        raise EnrollmentError(
            f"Sample {path} has no speech that stands out from its background "
            f"({seconds:.2f} s found); record closer to the microphone."
        )
    if seconds > MAX_SPEECH_S:
        raise EnrollmentError(
            f"Sample {path} has {seconds:.1f} s of sound; record just the wake phrase "
            f"(at most {MAX_SPEECH_S:.0f} s) in a quiet room."
        )
    if np.mean(np.abs(audio[start:end].astype(np.int32)) >= 32767) > 0.01:
        raise EnrollmentError(
            f"Sample {path} is clipped (too loud); record it again further from the microphone."
        )
    return audio


def enroll(
    sample_paths: list[Path],
    output: Path,
    *,
    base_model: Path | None = None,
    seed: int = 0,
    profile: str = "default",
    progress: bool = True,
    workers: int = 1,
) -> EnrollReport:
    """Fine-tune ``base_model`` (None = the shipped one) on the owner's recordings; write
    ``output``.

    Deterministic for the same recordings, base model, seed and profile.
    """
    started = time.monotonic()
    if profile not in ENROLL_PROFILES:
        raise ValueError(
            f"Unknown enrollment profile {profile!r}; choose one of {', '.join(ENROLL_PROFILES)}."
        )
    if not espeak.available():
        raise SynthesisError(
            "espeak-ng is not installed; enrollment needs it for the other voices it checks "
            "against (Debian: `apt-get install espeak-ng`)."
        )
    recordings = check_samples(sample_paths)  # bad recordings are refused before any slow work
    plan = ENROLL_PROFILES[profile]
    base_path = Path(base_model) if base_model is not None else DEFAULT_MODEL
    base = load_classifier(base_path)
    embedding = SpeechEmbedding(threads=1)
    if base.metadata["embedding_sha256"] != embedding.sha256:
        raise WakeModelError(
            f"Wake model file {base_path} was trained on a different speech-embedding model than "
            f"the installed {embedding.path}; retrain it before enrolling."
        )
    rng = np.random.default_rng([seed, _SEED_TAG, 99])

    owner_train = [
        _owner_clip(r, rng, embedding) for r in recordings for _ in range(plan.copies_per_sample)
    ]
    owner_check = [
        _owner_clip(r, rng, embedding)
        for r in recordings
        for _ in range(plan.check_copies_per_sample)
    ]
    owner_recorded = [_recorded_clip(r, embedding) for r in recordings]
    synthetic = embed_clips(
        _jobs(base, seed, plan.train_clips, "train", 0, plan.stream_seconds),
        workers,
        progress,
    )
    check_neg = embed_clips(
        _jobs(base, seed, plan.check_clips, "calibration", 1, plan.stream_seconds),
        workers,
        progress,
    )
    others_pos = embed_clips(
        _jobs(base, seed, plan.others_clips, "calibration", 2, 0.0), workers, progress
    )

    window = base.window_frames
    train = dataset.build([*owner_train, *synthetic], embedding.silence_frame, window)
    recorded = dataset.build(owner_recorded, embedding.silence_frame, window)
    held = dataset.build([*owner_check, *check_neg], embedding.silence_frame, window)
    others = dataset.build(others_pos, embedding.silence_frame, window)

    tuned = _fine_tune(base, train, len(owner_train), plan.settings, seed, progress)
    refractory = int(round(REFRACTORY_S * SAMPLE_RATE / HOP_SAMPLES))
    base_logit = float(np.log(base.threshold / (1.0 - base.threshold)))
    before = _figures(base, base_logit, recorded, held, others, refractory)
    # Never below the old threshold (the check negatives are too few to show a lower one is
    # safe); higher if the tuned model false-accepts more on them than the old one.
    # choose_threshold allows floor(target * hours) accepts, so this target allows exactly the
    # old count.
    scored = evaluate.score_split(held, tuned.logits, base.frames_in_a_row)
    budget = (before.false_accepts + 0.5) / max(scored.negative_hours, 1e-9)
    tuned_logit = max(base_logit, evaluate.choose_threshold(scored, budget, refractory))
    after = _figures(tuned, tuned_logit, recorded, held, others, refractory)

    report = EnrollReport(
        phrase=base.phrase,
        output=Path(output),
        samples=len(recordings),
        before=before,
        after=after,
        check_negative_hours=scored.negative_hours,
        seconds=round(time.monotonic() - started, 1),
    )
    _write(tuned, after.threshold, base_path, report, seed, profile, Path(output))
    return report


def _owner_clip(
    recording: np.ndarray, rng: np.random.Generator, embedding: SpeechEmbedding
) -> ClipFrames:
    """The owner's phrase at a slightly different speed, in a simulated room, at a random level."""
    start, end = speech_bounds(recording)
    margin = SAMPLE_RATE // 20  # keep 50 ms either side: onsets and final consonants are quiet
    speech = recording[max(0, start - margin) : end + margin].astype(np.float32)
    factor = rng.uniform(0.92, 1.08)  # tempo and pitch together, like a tired or hurried morning
    speech = resample(speech, SAMPLE_RATE, int(round(SAMPLE_RATE * factor)))
    loud = np.abs(speech) > 0.05 * np.max(np.abs(speech))
    speech_rms = augment.rms(speech[loud])
    lead = int(rng.uniform(0.2, 1.2) * SAMPLE_RATE)
    tail = int(rng.uniform(0.4, 1.2) * SAMPLE_RATE)
    track = np.concatenate([np.zeros(lead, np.float32), speech, np.zeros(tail, np.float32)])
    track = augment.in_a_room(track, speech_rms, rng)
    audio = augment.to_int16(track, rng.uniform(-40.0, -14.0), speech_rms)
    phrase_end = lead + int(
        round((end - max(0, start - margin)) * factor)
    )  # resampling stretched it by factor
    return embed_audio(audio, phrase_end, "pos_alone", "owner", embedding)


def _recorded_clip(recording: np.ndarray, embedding: SpeechEmbedding) -> ClipFrames:
    """The recording exactly as given, with a second of its own quiet after it so the detector
    can finish."""
    _, end = speech_bounds(recording)
    audio = np.concatenate([recording, np.zeros(SAMPLE_RATE, np.int16)])
    return embed_audio(audio, end, "pos_alone", "owner", embedding)


def _jobs(
    base: WakeClassifier,
    seed: int,
    kinds: dict[str, int],
    group: str,
    part: int,
    stream_seconds: float,
) -> list[ClipJob]:
    """Synthetic clips made the way the base model's own were: its recipe and voice families, so
    enrolling keeps the model hearing what it heard."""
    recipe = str(base.metadata.get("recipe_version", "2"))
    families = tuple(str(base.metadata.get("families", "espeak")).split(","))
    return [
        ClipJob(
            base.phrase,
            group,
            kind,
            (seed, _SEED_TAG, part, KIND_IDS[kind], index),
            stream_seconds if kind == "neg_stream" else 0.0,
            families if recipe != "2" else ("espeak",),
            "2" if recipe == "2" else "3",
        )
        for kind, count in kinds.items()
        for index in range(count)
    ]


def _fine_tune(
    base: WakeClassifier,
    train: dataset.FrameSet,
    owner_clips: int,
    settings: mlp.TrainSettings,
    seed: int,
    progress: bool,
) -> WakeClassifier:
    """Continue training the base weights; the owner's windows make up half of the positives
    drawn."""
    positives = np.flatnonzero(train.labels == 1)
    negatives = np.flatnonzero(train.labels == 0)
    owner = positives[train.clip[positives] < owner_clips]
    others = positives[train.clip[positives] >= owner_clips]
    if owner.size == 0:
        raise EnrollmentError(
            "No usable windows came out of the recordings; record the phrase alone, clearly."
        )
    repeat = max(1, int(round(others.size / owner.size)))
    weighted = np.concatenate([np.tile(owner, repeat), others])
    bar = Progress("fine-tuning", settings.epochs, progress)

    def features(ids: np.ndarray) -> np.ndarray:
        return base.normalise(train.windows(ids)).reshape(ids.size, -1)

    weights = mlp.train(
        features,
        weighted,
        negatives,
        train.weights[negatives],
        base.window_frames * EMBEDDING_DIM,
        mlp.TrainSettings(**{**settings.__dict__, "hidden": int(base.b1.shape[0])}),
        np.random.default_rng([seed, _SEED_TAG, 7]),
        on_epoch=lambda epoch, loss: bar.advance(note=f"loss {loss:.4f}"),
        initial=mlp.MLPWeights(base.w1, base.b1, base.w2, base.b2),
    )
    return WakeClassifier(
        base.feature_mean,
        base.feature_std,
        weights.w1,
        weights.b1,
        weights.w2,
        weights.b2,
        metadata=dict(base.metadata),
    )


def _figures(
    model: WakeClassifier,
    logit_threshold: float,
    recorded: dataset.FrameSet,
    held: dataset.FrameSet,
    others: dataset.FrameSet,
    refractory: int,
) -> Figures:
    rule = model.frames_in_a_row
    rec = evaluate.score_split(recorded, model.logits, rule)
    chk = evaluate.score_split(held, model.logits, rule)
    oth = evaluate.score_split(others, model.logits, rule)
    return Figures(
        threshold=float(sigmoid(np.asarray(logit_threshold, dtype=np.float64))),
        recorded_detected=int(np.sum(rec.positive_best >= logit_threshold)),
        augmented_detected=int(np.sum(chk.positive_best >= logit_threshold)),
        augmented_total=int(chk.positive_best.size),
        others_detected=int(np.sum(oth.positive_best >= logit_threshold)),
        others_total=int(oth.positive_best.size),
        false_accepts=chk.false_accepts(logit_threshold, refractory),
        false_accepts_per_hour=round(chk.false_accepts_per_hour(logit_threshold, refractory), 2),
    )


def _write(
    model: WakeClassifier,
    threshold: float,
    base_path: Path,
    report: EnrollReport,
    seed: int,
    profile: str,
    output: Path,
) -> None:
    metadata = dict(model.metadata)
    metadata["threshold"] = threshold
    metadata["enrollment"] = {
        "version": ENROLL_VERSION,
        "base_model": base_path.name,
        "base_model_sha256": hashlib.sha256(base_path.read_bytes()).hexdigest(),
        "base_threshold": report.before.threshold,
        "samples": report.samples,
        "seed": seed,
        "profile": profile,
        "before": report.before.__dict__,
        "after": report.after.__dict__,
        "check_negative_hours": report.check_negative_hours,
        "note": "detection_rate and false_accepts_per_hour at the top level are the base model's "
        "recipe figures",
    }
    WakeClassifier(
        model.feature_mean,
        model.feature_std,
        model.w1,
        model.b1,
        model.w2,
        model.b2,
        metadata=metadata,
    ).save(output)
