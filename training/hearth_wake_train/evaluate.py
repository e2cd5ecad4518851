"""Held-out figures: detection rate on positive clips and false accepts per hour on negatives.

False accepts are counted the way the engine fires: a score over threshold starts a
detection, then nothing counts for the refractory period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hearth_wake_train.dataset import FrameSet, detection_region

LogitFn = Callable[[np.ndarray], np.ndarray]  # (n, frames, 96) windows -> logits


@dataclass(frozen=True)
class HeldOut:
    """Per-clip scores of one held-out split, enough to evaluate any threshold."""

    positive_best: np.ndarray  # best logit inside each positive clip's detection region
    negative_logits: list[np.ndarray]  # frame logits of each negative clip
    negative_hours: float

    def detection_rate(self, threshold: float) -> float:
        if self.positive_best.size == 0:
            return 0.0
        return float(np.mean(self.positive_best >= threshold))

    def false_accepts(self, threshold: float, refractory_frames: int) -> int:
        return sum(
            count_activations(logits, threshold, refractory_frames)
            for logits in self.negative_logits
        )

    def false_accepts_per_hour(self, threshold: float, refractory_frames: int) -> float:
        return self.false_accepts(threshold, refractory_frames) / max(self.negative_hours, 1e-9)


def score_split(
    data: FrameSet, logits_of: LogitFn, frames_in_a_row: int = 1, batch: int = 4096
) -> HeldOut:
    """Per-clip figures as the engine would decide with ``frames_in_a_row``."""
    ids = np.arange(data.ends.size)
    logits = np.concatenate(
        [logits_of(data.windows(ids[i : i + batch])) for i in range(0, ids.size, batch)]
    )
    best, negatives, seconds = [], [], 0.0
    for number, clip in enumerate(data.clips):
        clip_logits = logits[data.clip_windows(number)]
        if clip.phrase_end >= 0:
            best.append(
                float(
                    np.max(
                        in_a_row(clip_logits[detection_region(clip)], frames_in_a_row),
                        initial=-np.inf,
                    )
                )
            )
        else:
            negatives.append(in_a_row(clip_logits, frames_in_a_row))
            seconds += clip.seconds
    return HeldOut(np.asarray(best), negatives, seconds / 3600.0)


def in_a_row(logits: np.ndarray, frames: int) -> np.ndarray:
    """What the engine compares with its threshold under `frames_in_a_row`: the lowest of the
    last N logits.

    A detection needs N frames in a row over the threshold, which is the same as the lowest of
    those N being over it; one spike (a cough, one syllable that sounds right) no longer fires on
    its own.
    """
    if frames <= 1:
        return logits
    if logits.size < frames:
        return np.full(0, -np.inf)
    return np.lib.stride_tricks.sliding_window_view(logits, frames).min(axis=1)


def count_activations(logits: np.ndarray, threshold: float, refractory_frames: int) -> int:
    above = np.flatnonzero(logits >= threshold)
    count, quiet_until = 0, -1
    for index in above:
        if index >= quiet_until:
            count += 1
            quiet_until = int(index) + refractory_frames
    return count


def choose_threshold(
    held: HeldOut, target_per_hour: float, refractory_frames: int, lowest: float = -2.0
) -> float:
    """The lowest logit threshold, not below ``lowest``, whose false accepts stay within the
    target on this split.

    Lowest, because among thresholds meeting the false-accept budget it detects the most.
    """
    candidates = np.unique(
        np.concatenate([*(np.round(x, 3) for x in held.negative_logits), [max(lowest, 0.0)]])
    )
    candidates = candidates[candidates >= lowest]
    allowed = int(np.floor(target_per_hour * held.negative_hours))
    lo, hi = 0, candidates.size - 1
    if held.false_accepts(candidates[hi] + 1e-3, refractory_frames) > allowed:
        return float(candidates[hi] + 1e-3)
    while lo < hi:  # false accepts fall as the threshold rises
        mid = (lo + hi) // 2
        if held.false_accepts(candidates[mid] + 1e-3, refractory_frames) <= allowed:
            hi = mid
        else:
            lo = mid + 1
    return float(candidates[lo] + 1e-3)
