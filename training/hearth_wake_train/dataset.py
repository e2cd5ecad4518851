"""Embedding frames of many clips laid out so any 16-frame window is one slice away.

Each clip gets ``window_frames - 1`` silence frames in front, exactly the state a
fresh stream starts in, so a window here equals what the engine scores live.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hearth.pcm import SAMPLE_RATE
from hearth_wake.engines.speech_embedding import HOP_SAMPLES
from hearth_wake_train.clips import ClipFrames

POSITIVE_BEFORE_S = 0.04  # a window ending this soon before the phrase end may already count
POSITIVE_AFTER_S = 0.36  # ... and up to this long after it
IGNORE_BEFORE_S = 0.30  # windows around the phrase that are neither clearly yes nor no
IGNORE_AFTER_S = 1.60
NEGATIVE_WEIGHTS = {"neg_confusable": 3.0, "neg_stream": 1.0, "neg_speech": 1.0, "neg_noise": 0.5}
PARTIAL_PHRASE_WEIGHT = 3.0  # "hey hest..." windows inside positive clips


@dataclass
class FrameSet:
    frames: np.ndarray  # (N, 96) with silence padding per clip
    ends: np.ndarray  # index (into frames) of the last frame of each real window
    clip: np.ndarray  # clip number of each window
    labels: np.ndarray  # 1 positive, 0 negative, -1 ignored
    weights: np.ndarray  # sampling weight of each negative window
    clips: list[ClipFrames]
    window_frames: int

    def windows(self, ids: np.ndarray) -> np.ndarray:
        """(n, window_frames, 96) windows ending at the given window ids."""
        offsets = np.arange(-self.window_frames + 1, 1)
        return self.frames[self.ends[ids][:, None] + offsets]

    def clip_windows(self, number: int) -> np.ndarray:
        return np.flatnonzero(self.clip == number)


def build(clips: list[ClipFrames], silence: np.ndarray, window_frames: int) -> FrameSet:
    pad = np.tile(silence, (window_frames - 1, 1)).astype(np.float32)
    parts, ends, owner, labels, weights = [], [], [], [], []
    cursor = 0
    for number, clip in enumerate(clips):
        parts.extend([pad, clip.frames])
        count = clip.frames.shape[0]
        ends.append(cursor + window_frames - 1 + np.arange(count))
        owner.append(np.full(count, number))
        clip_labels, clip_weights = _label(clip)
        labels.append(clip_labels)
        weights.append(clip_weights)
        cursor += window_frames - 1 + count
    return FrameSet(
        frames=np.concatenate(parts).astype(np.float32),
        ends=np.concatenate(ends),
        clip=np.concatenate(owner),
        labels=np.concatenate(labels),
        weights=np.concatenate(weights),
        clips=clips,
        window_frames=window_frames,
    )


def window_end_samples(count: int) -> np.ndarray:
    """Sample offset (in the clip) where each frame's audio ends."""
    return (np.arange(count) + 1) * HOP_SAMPLES


def _label(clip: ClipFrames) -> tuple[np.ndarray, np.ndarray]:
    count = clip.frames.shape[0]
    if clip.phrase_end < 0:
        return np.zeros(count, np.int8), np.full(
            count, NEGATIVE_WEIGHTS.get(clip.kind, 1.0), np.float32
        )
    rel = (window_end_samples(count) - clip.phrase_end) / SAMPLE_RATE
    labels = np.zeros(count, np.int8)
    labels[(rel >= -IGNORE_BEFORE_S) & (rel <= IGNORE_AFTER_S)] = -1
    labels[(rel >= -POSITIVE_BEFORE_S) & (rel <= POSITIVE_AFTER_S)] = 1
    weights = np.where(rel < 0, PARTIAL_PHRASE_WEIGHT, 1.0).astype(np.float32)
    return labels, weights


def detection_region(clip: ClipFrames) -> np.ndarray:
    """Frames of a positive clip during which a detection counts as a hit."""
    rel = (window_end_samples(clip.frames.shape[0]) - clip.phrase_end) / SAMPLE_RATE
    return (rel >= -IGNORE_BEFORE_S) & (rel <= IGNORE_AFTER_S)
