"""Replay the Whisper check on the windows a leave-one-family-out run kept: what a change to the
check (hearth_wake/whisper_check.py, or its sensitivity or encoder window) does to detection and
false accepts, without running the first stage again.

Run: `python bench/wake_check_replay.py DIR/*.npz [--sensitivity 0.5] [--check-window-s 30]`,
where the files come from `python bench/wake_lofo.py --second-stage --save-checks DIR`.

For each file (one family, one seed, one first-stage model) the check judges every kept window as
the wake service would now, and the figures are counted as the service serves them: a positive is
detected when the first stage was sure of it or the check confirms it (of every positive trial, fired
or not); a false accept is a window of talk the first stage was sure of or the check confirms. Each
verdict that changed from the kept one is listed, with what Whisper heard, so a change can be read
before it is trusted. The windows of a seed that chose a change are not a test of it: replay the
other seed.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from wake_lofo import PHRASE, load_check

from hearth_wake.whisper_check import WhisperVerifier


@dataclass(frozen=True)
class Replayed:
    family: str
    seed: int
    positives: int
    detected_before: int
    detected_now: int
    false_accepts_before: int
    false_accepts_now: int
    negative_hours: float
    changed: list[str]


def replay(path: Path, verifier: WhisperVerifier) -> Replayed:
    kept = np.load(path, allow_pickle=False)
    positive, sure, before = kept["positive"], kept["sure"], kept["confirmed"]
    now = np.array(
        [
            verifier.judge(PHRASE, window[window.size - length :]).confirmed
            for window, length in zip(kept["windows"], kept["lengths"], strict=True)
        ]
    )
    changed = [
        f"{'phrase' if p else 'talk'}: {'confirmed' if n else 'refused'} (was "
        f"{'confirmed' if b else 'refused'}{', sure' if s else ''}): {str(heard)!r}"
        for p, s, b, n, heard in zip(positive, sure, before, now, kept["heard"], strict=True)
        if b != n
    ]
    return Replayed(
        family=str(kept["family"]),
        seed=int(kept["seed"]),
        positives=int(kept["positives"]),
        detected_before=int(np.sum(positive & (sure | before))),
        detected_now=int(np.sum(positive & (sure | now))),
        false_accepts_before=int(np.sum(~positive & (sure | before))),
        false_accepts_now=int(np.sum(~positive & (sure | now))),
        negative_hours=float(kept["negative_hours"]),
        changed=changed,
    )


def main(argv: list[str] | None = None) -> list[Replayed]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--sensitivity", type=float, default=0.5)
    parser.add_argument("--check-window-s", type=float, default=30.0)
    args = parser.parse_args(argv)
    verifier = load_check(args.check_window_s, args.sensitivity)
    results = [replay(path, verifier) for path in args.files]
    print("\n| family | seed | as served, kept | as served, now | false accepts, kept | now |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r.family} | {r.seed} | {r.detected_before}/{r.positives} | "
            f"{r.detected_now}/{r.positives} | {r.false_accepts_before} | "
            f"{r.false_accepts_now} in {r.negative_hours:.2f} h |"
        )
    for r in results:
        for line in r.changed:
            print(f"{r.family} seed {r.seed}: {line}")
    return results


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
