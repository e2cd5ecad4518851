"""espeak-ng voices and how they are split between training, calibration, evaluation and tests.

Voices are held out as whole variants (a variant is a speaker timbre applied to any
accent), so the figures the recipe reports come from speakers the classifier never
heard, and the test suite uses variants that the recipe never touches at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp", "en-gb-x-gbcwmd", "en-029", "en-us-nyc")

TRAIN_VARIANTS = (
    "m1", "m3", "m4", "m7", "m8", "f1", "f5", "klatt", "klatt4", "Andy", "Annie", "Alex", "Lee", "Michael",
    "Gene", "adam", "anika", "aunty", "benjamin", "boris", "caleb", "david", "ed", "edward", "grandma",
    "grandpa", "iven", "iven3", "john", "max", "norbert", "pablo", "quincy", "robert", "sandro", "steph",
    "travis", "victor", "zac", "croak",
)
CALIBRATION_VARIANTS = ("m2", "f3", "klatt2", "linda", "iven2", "Mike")
EVALUATION_VARIANTS = ("m5", "f2", "klatt3", "paul", "rob", "shelby", "steph3", "belinda")
# Never used by the recipe: kept for tests that must use voices training did not see.
TEST_ONLY_VARIANTS = ("m6", "f4", "steph2", "whisper")

GROUP_VARIANTS = {
    "train": TRAIN_VARIANTS,
    "calibration": CALIBRATION_VARIANTS,
    "evaluation": EVALUATION_VARIANTS,
}


@dataclass(frozen=True)
class Voice:
    """One concrete speaker: accent, timbre, speed (words/min) and pitch (0..99)."""

    accent: str
    variant: str
    speed: int
    pitch: int

    @property
    def name(self) -> str:
        return f"{self.accent}+{self.variant}"

    def args(self) -> list[str]:
        return ["-v", self.name, "-s", str(self.speed), "-p", str(self.pitch)]


def sample_voice(group: str, rng: np.random.Generator) -> Voice:
    """A random voice from one split, with speed and pitch spread wide like real households."""
    variants = GROUP_VARIANTS[group]
    return Voice(
        accent=ACCENTS[rng.integers(len(ACCENTS))],
        variant=variants[rng.integers(len(variants))],
        speed=int(rng.integers(115, 215)),
        pitch=int(rng.integers(20, 80)),
    )
