"""Synthetic speakers: random espeak-ng voice variants, so training hears hundreds of voices, not
forty.

A model trained on espeak-ng's own variants alone learns those timbres rather than the phrase
(docs/wake-word.md, Training a wake word). A variant is only a small text file of pitch, formant,
breath and roughness settings, so the recipe writes its own: each one a random vocal tract (all
formants scaled together, as a longer or shorter tract does, with some jitter per formant), pitch
and pitch range, breathiness and roughness, within the ranges of adult and child voices.
espeak-ng reads them from a private copy of its data directory (symbolic links to the system one;
its voices directory holds only the new variant files), passed with ``--path``; nothing is
written outside a temporary directory.

The pool is fixed (its own seed), so a recipe seed always gets the same speakers.
"""

from __future__ import annotations

import atexit
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from hearth import espeak

POOL_SIZE = 200  # espeak-ng lists at most 349 voices, languages included (about 130)
PREFIX = "hearth-speaker-"
_POOL_SEED = 20261125
# Pool indices per recipe split: calibration and evaluation hear synthetic speakers training never
# did.
GROUP_RANGES = {"train": (0, 170), "calibration": (170, 185), "evaluation": (185, 200)}
SHARE = 0.5  # of a split's speakers who are synthetic; the rest are espeak-ng's own variants
_overlay: Path | None = None


def name(index: int) -> str:
    return f"{PREFIX}{index:03d}"


def is_synthetic(variant: str) -> bool:
    return variant.startswith(PREFIX)


def variant_text(index: int) -> str:
    """The espeak-ng variant file of synthetic speaker ``index``."""
    rng = np.random.default_rng([_POOL_SEED, index])
    kind = rng.choice(["male", "female", "child"], p=[0.45, 0.45, 0.10])
    tract, base, spread = {
        "male": (rng.uniform(0.86, 1.02), rng.uniform(70, 130), rng.uniform(20, 70)),
        "female": (rng.uniform(1.0, 1.16), rng.uniform(140, 220), rng.uniform(40, 110)),
        "child": (rng.uniform(1.12, 1.26), rng.uniform(220, 300), rng.uniform(50, 120)),
    }[kind]
    lines = [
        "language variant",
        f"name {name(index)}",
        f"gender {'female' if kind != 'male' else 'male'}",
        "",
        f"pitch {int(base)} {int(base + spread)}",
    ]
    for formant in range(9):
        freq = 100.0 * tract * rng.uniform(0.95, 1.05) if formant <= 5 else 100.0
        height = rng.uniform(80, 120) if formant <= 5 else 100.0
        width = rng.uniform(80, 150) if formant <= 5 else 100.0
        lines.append(f"formant {formant} {freq:.0f} {height:.0f} {width:.0f}")
    if rng.random() < 0.3:
        level = int(rng.integers(1, 5))
        lines.append("breath " + " ".join(str(max(0, level - abs(i - 3) // 2)) for i in range(8)))
    if rng.random() < 0.25:
        lines.append(f"roughness {int(rng.integers(1, 5))}")
    lines.append(f"flutter {int(rng.integers(0, 40))}")
    lines.append(f"consonants {int(rng.integers(80, 130))}")
    return "\n".join(lines) + "\n"


def data_path() -> Path:
    """The directory to pass to ``espeak-ng --path`` (made once per process)."""
    global _overlay
    if _overlay is None:
        _overlay = _build_overlay()
    return _overlay


def sample(group: str, rng: np.random.Generator) -> str:
    """A synthetic speaker's variant name from one split's share of the pool."""
    low, high = GROUP_RANGES[group]
    return name(int(rng.integers(low, high)))


def use_data_path(path: Path) -> None:
    """Use a data directory another process made (training workers share their parent's)."""
    global _overlay
    _overlay = path


def _system_data() -> Path:
    """Where espeak-ng keeps its data ("Data at: ..." in its version line)."""
    version = subprocess.run(
        [espeak.PROGRAM, "--version"], capture_output=True, text=True, timeout=10
    ).stdout
    found = re.search(r"Data at:\s*(\S+)", version)
    if not found or not (Path(found.group(1)) / "voices").is_dir():
        raise RuntimeError(
            f"espeak-ng's data directory was not found in {version.strip()!r}; "
            "synthetic speakers need it."
        )
    return Path(found.group(1))


def _build_overlay() -> Path:
    root = Path(tempfile.mkdtemp(prefix="hearth-espeak-"))
    atexit.register(shutil.rmtree, root, True)
    system, data = _system_data(), root / "espeak-ng-data"
    voices = data / "voices"
    variants = voices / "!v"
    variants.mkdir(parents=True)
    for entry in system.iterdir():
        if entry.name != "voices":
            (data / entry.name).symlink_to(entry)
    for index in range(POOL_SIZE):
        (variants / name(index)).write_text(variant_text(index))
    return root
