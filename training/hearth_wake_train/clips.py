"""Render training clips (speech + room) and turn them into embedding frames.

Each clip is described by a small, picklable :class:`ClipJob` carrying its own seed,
so clips can be rendered in any order, on any number of workers, and still come out
bit-identical for a given recipe seed.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hearth.pcm import SAMPLE_RATE
from hearth_wake.engines.speech_embedding import HOP_SAMPLES, WINDOW_SAMPLES, SpeechEmbedding
from hearth_wake_train import augment, families, speakers, texts
from hearth_wake_train.progress import Progress
from hearth_wake_train.synth import Speaker, resample, synthesize
from hearth_wake_train.voices import sample_voice

KINDS = (
    "pos_alone",
    "pos_command",
    "pos_inside",
    "neg_confusable",
    "neg_speech",
    "neg_noise",
    "neg_stream",
)
KIND_IDS = {kind: number for number, kind in enumerate(KINDS)}
"""A clip's kind as a number in its seed; fixed, so a recipe seed always makes the same clips."""
WORKER_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
"""Set to 1 for worker processes before they load numpy: each worker is one core's worth of work."""
CONTEXT_SAMPLES = WINDOW_SAMPLES - HOP_SAMPLES
"""Silence before a clip, so its first frame sees what a fresh stream's would."""
RESAMPLE_SHARE = 0.5  # of clips played slightly faster or slower ...
RESAMPLE_RANGE = (0.9, 1.1)  # ... by this factor: pitch, formants and tempo move together
MODELLED_ROOM_SHARE = 0.3
"""Of clips heard in one of ``MODELLED_ROOMS`` (image-source responses) rather than the recipe's
noise-tail reverb: real rooms have early reflections a decaying noise burst lacks."""
MODELLED_ROOMS = tuple(
    (rt60, distance) for rt60 in (0.25, 0.4, 0.55, 0.7) for distance in (0.7, 1.5, 2.5, 4.0)
)
"""A fixed bank of (RT60 s, distance m): each response costs up to a second to compute, so each
worker computes each of these once (hearth_voices.rooms caches them) and reuses it."""
MICROPHONE_SHARE = 0.3
"""Of clips coloured by one of hearth_voices' device microphones (telephone, laptop, ...)."""


@dataclass(frozen=True)
class ClipJob:
    phrase: str
    group: str  # train / calibration / evaluation
    kind: str
    seed: tuple[int, ...]  # entropy for this clip's private random generator
    stream_seconds: float = 0.0
    families: tuple[str, ...] = families.ALL_FAMILIES  # the voice families its speakers come from
    recipe: str = "3"  # "2": espeak-ng only, the recipe's own rooms only (the shipped model's)


@dataclass(frozen=True)
class ClipFrames:
    """Embedding frames of one clip; frame j ends at sample (j+1)*1280 of the clip."""

    kind: str
    group: str
    frames: np.ndarray  # (T, 96) float32
    phrase_end: int  # sample where the wake phrase ends, -1 for negatives
    seconds: float


def render(job: ClipJob) -> tuple[np.ndarray, int]:
    """Make the clip audio (int16) and where its phrase ends (-1 if it has none)."""
    rng = np.random.default_rng(list(job.seed))
    if job.kind == "neg_noise":
        return _noise_clip(rng), -1
    if job.kind == "neg_stream":
        speech, _ = _other_speaker(_stream_speech(job, rng)[0], -1, rng)
        return _room(speech, [], rng, job.recipe)[0], -1
    speech, phrase_end = _other_speaker(*_speech(job, rng), rng)
    audio, offset = _room(speech, [phrase_end] if phrase_end >= 0 else [], rng, job.recipe)
    return audio, (phrase_end + offset if phrase_end >= 0 else -1)


def embed_clip(job: ClipJob, embedding: SpeechEmbedding) -> ClipFrames:
    audio, phrase_end = render(job)
    return embed_audio(audio, phrase_end, job.kind, job.group, embedding)


def embed_audio(
    audio: np.ndarray, phrase_end: int, kind: str, group: str, embedding: SpeechEmbedding
) -> ClipFrames:
    """The frames of int16 ``audio`` (rendered, or the owner's own recording) as a clip."""
    padded = np.concatenate(
        [np.zeros(CONTEXT_SAMPLES, dtype=np.float32), audio.astype(np.float32) / 32768.0]
    )
    frames = embedding.embed_long(padded)
    return ClipFrames(kind, group, frames, phrase_end, audio.size / SAMPLE_RATE)


def embed_clips(jobs: list[ClipJob], workers: int, progress: bool) -> list[ClipFrames]:
    """Render and embed every job, in order, so the data set is identical for any number of
    workers; the recipe and enrollment make all their synthetic clips this way."""
    bar = Progress("synthesizing clips", len(jobs), progress)
    results = []
    for clip in _map(jobs, workers):
        results.append(clip)
        bar.advance()
    return results


_WORKER_EMBEDDING: SpeechEmbedding | None = None


def _worker_init(espeak_data: Path | None = None, one_thread: bool = False) -> None:
    """Each worker loads the embedding model; the synthetic speakers' espeak-ng data is the
    parent's (made once, removed by the parent at exit: pool workers are terminated without
    running exit handlers)."""
    global _WORKER_EMBEDDING
    _WORKER_EMBEDDING = SpeechEmbedding(threads=1)
    if one_thread:  # a pool worker, never the caller's own process (its Piper stays as it was)
        from hearth_voices import piper_family

        piper_family.use_threads(1)
    if espeak_data is not None:
        speakers.use_data_path(espeak_data)


def _worker_embed(job: ClipJob) -> ClipFrames:
    assert _WORKER_EMBEDDING is not None
    return embed_clip(job, _WORKER_EMBEDDING)


def _map(jobs: list[ClipJob], workers: int) -> Iterator[ClipFrames]:
    if workers <= 1:
        _worker_init()
        yield from map(_worker_embed, jobs)
        return
    for variable in WORKER_THREAD_VARIABLES:  # inherited by the spawned workers
        os.environ.setdefault(variable, "1")
    context = multiprocessing.get_context("spawn")
    with context.Pool(
        workers, initializer=_worker_init, initargs=(speakers.data_path(), True)
    ) as pool:
        yield from pool.imap(_worker_embed, jobs, chunksize=8)


def speaker(job: ClipJob, rng: np.random.Generator) -> Speaker:
    """One speaker of one of the job's families (espeak-ng: the recipe's own voices)."""
    if job.recipe == "2":
        return sample_voice(job.group, rng)
    family = families.choose_family(job.families, rng)
    if family == "espeak":
        return sample_voice(job.group, rng)
    return families.family_voice(family, job.group, rng)


def _speech(job: ClipJob, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Dry speech for one utterance and the phrase end inside it (-1 for negatives)."""
    voice = speaker(job, rng)
    if job.kind == "pos_alone":
        phrase = synthesize(job.phrase, voice)
        return phrase, phrase.size
    if job.kind == "pos_command":
        return _phrase_then_command(job.phrase, voice, rng)
    if job.kind == "pos_inside":
        before = synthesize(_negative_text(job.phrase, rng), voice)
        after, phrase_end = _phrase_then_command(job.phrase, voice, rng)
        gap = _gap(rng, 0.08, 0.5)
        return np.concatenate([before, gap, after]), before.size + gap.size + phrase_end
    if job.kind == "neg_confusable":
        options = texts.confusables(job.phrase)
        text = options[rng.integers(len(options))]
        if rng.random() < 0.4:
            text = f"{text}, {texts.command(rng)}"
        return synthesize(text, voice), -1
    return synthesize(_negative_text(job.phrase, rng), voice), -1


def _other_speaker(
    speech: np.ndarray, phrase_end: int, rng: np.random.Generator
) -> tuple[np.ndarray, int]:
    """Sometimes play the speech a little faster or slower (and the phrase end with it)."""
    if rng.random() >= RESAMPLE_SHARE:
        return speech, phrase_end
    factor = rng.uniform(*RESAMPLE_RANGE)
    played = resample(speech, SAMPLE_RATE, int(round(SAMPLE_RATE / factor)))
    return played, (int(round(phrase_end / factor)) if phrase_end >= 0 else -1)


def _phrase_then_command(
    phrase: str, voice: Speaker, rng: np.random.Generator
) -> tuple[np.ndarray, int]:
    """ "hey hestia, <command>" spoken in one breath when the pause is findable, else joined."""
    alone = synthesize(phrase, voice)
    command = texts.command(rng)
    if rng.random() < 0.6:
        joined = synthesize(f"{phrase}, {command}", voice)
        end = _comma_pause(joined, alone.size)
        if end > 0:
            return joined, end
    rest = synthesize(command, voice)
    gap = _gap(rng, 0.05, 0.4)
    return np.concatenate([alone, gap, rest]), alone.size


def _comma_pause(joined: np.ndarray, alone_len: int) -> int:
    """Where the pause after the phrase starts: the first 60 ms of quiet near the phrase's own
    length."""
    hop = 160
    energy = np.sqrt(np.mean(joined[: joined.size // hop * hop].reshape(-1, hop) ** 2, axis=1))
    quiet = energy < 60.0
    lo, hi = int(0.75 * alone_len / hop), int(1.6 * alone_len / hop)
    for start in range(lo, min(hi, quiet.size - 6)):
        if quiet[start : start + 6].all():
            return start * hop
    return -1


def _negative_text(phrase: str, rng: np.random.Generator) -> str:
    for _ in range(10):
        text = texts.everyday(rng)
        if not texts.mentions(text, phrase):
            return text
    return "good morning"


def _stream_speech(job: ClipJob, rng: np.random.Generator) -> tuple[np.ndarray, list[int]]:
    """A stretch of household talk (many speakers, sound-alikes included) with pauses."""
    pieces: list[np.ndarray] = []
    total = 0
    target = int(job.stream_seconds * SAMPLE_RATE)
    options = texts.confusables(job.phrase)
    while total < target:
        voice = speaker(job, rng)
        if rng.random() < 0.2:
            text = options[rng.integers(len(options))]
        else:
            text = _negative_text(job.phrase, rng)
        piece = np.concatenate([synthesize(text, voice), _gap(rng, 0.2, 2.5)])
        pieces.append(piece)
        total += piece.size
    return np.concatenate(pieces)[:target], []


def _gap(rng: np.random.Generator, low: float, high: float) -> np.ndarray:
    return np.zeros(int(rng.uniform(low, high) * SAMPLE_RATE), dtype=np.float32)


def _room(
    speech: np.ndarray, marks: list[int], rng: np.random.Generator, recipe: str
) -> tuple[np.ndarray, int]:
    """Pad, colour, reverberate, add background and set the level; returns audio and the pad
    offset."""
    speech_rms = augment.speech_rms(speech)
    lead = int(rng.uniform(0.2, 1.5) * SAMPLE_RATE)
    tail = int(rng.uniform(0.4, 1.2) * SAMPLE_RATE)
    track = np.concatenate([np.zeros(lead, np.float32), speech, np.zeros(tail, np.float32)])
    if recipe != "2" and rng.random() < MODELLED_ROOM_SHARE:
        from hearth_voices.rooms import Room, reverberate

        room = int(rng.integers(len(MODELLED_ROOMS)))
        rt60, distance = MODELLED_ROOMS[room]
        track = reverberate(track, Room(rt60, distance), seed=room)[: track.size]
    track = augment.in_a_room(track, speech_rms, rng)
    if recipe != "2" and rng.random() < MICROPHONE_SHARE:
        from hearth_voices.conditions import MICROPHONES, colour

        names = sorted(MICROPHONES)
        track = colour(track, MICROPHONES[names[int(rng.integers(len(names)))]])
    if rng.random() < 0.1:
        track = augment.mix_at_snr(
            track, augment.distractor(track.size, rng), rng.uniform(5.0, 25.0), speech_rms
        )
    return augment.to_int16(track, rng.uniform(-40.0, -14.0), speech_rms), lead


def _noise_clip(rng: np.random.Generator) -> np.ndarray:
    """Speech-free audio: backgrounds, beeps, clicks and silence, at any level."""
    n = int(rng.uniform(2.0, 5.0) * SAMPLE_RATE)
    track = augment.background(n, rng)
    if rng.random() < 0.6:
        track = track * rng.uniform(0.05, 1.0) + augment.distractor(n, rng)
    level = rng.uniform(-70.0, -15.0)
    return augment.to_int16(track, level, augment.rms(track))
