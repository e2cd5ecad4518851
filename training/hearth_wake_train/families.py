"""Which voice families speak the recipe's clips, and a speaker from each.

A model trained on one synthesizer learns that synthesizer: the version-2 recipe, espeak-ng
alone, woke on almost none of the commands a neural voice of a real speaker spoke. Version 3
draws every clip's speaker from several independent families (hearth_voices), so that no single
synthesizer's artefacts are what the classifier learns (docs/wake-word.md has the measurements).
espeak-ng keeps the largest share: its accents, variants and synthetic speakers are the widest
spread of timbres and rates any family here has, and removing it hurt in the first experiment.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from hearth.espeak import SynthesisError

if TYPE_CHECKING:
    from hearth_voices import Voice as FamilyVoice

FAMILY_SHARES = {"espeak": 0.4, "piper": 0.25, "festival": 0.15, "flite": 0.2}
"""Share of clips each family speaks when all are used; renormalised over the families a run
uses."""
ALL_FAMILIES = tuple(FAMILY_SHARES)


def parse_families(text: str) -> tuple[str, ...]:
    """``espeak,piper`` → ("espeak", "piper"), checked against the known families."""
    families = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [family for family in families if family not in FAMILY_SHARES]
    if unknown or not families:
        raise ValueError(
            f"unknown voice families {', '.join(unknown) or '(none given)'}; "
            f"choose from {', '.join(ALL_FAMILIES)}"
        )
    return families


def check_available(families: tuple[str, ...]) -> None:
    """Stop before any work when a family cannot speak here, naming what to install."""
    from hearth_voices import available_families

    reasons = available_families()
    missing = [f"{family}: {reasons[family]}" for family in families if reasons[family]]
    if missing:
        raise SynthesisError(
            "These voice families cannot speak on this machine: "
            + "; ".join(missing)
            + ". Install them, or choose others with --families."
        )


def choose_family(families: tuple[str, ...], rng: np.random.Generator) -> str:
    shares = np.array([FAMILY_SHARES[family] for family in families], dtype=np.float64)
    return families[int(rng.choice(len(families), p=shares / shares.sum()))]


def family_voice(family: str, group: str, rng: np.random.Generator) -> FamilyVoice:
    """A pseudo-speaker of ``family`` (not espeak, which the recipe's own voices module makes);
    calibration and evaluation speakers come from hearth_voices' held-out part of the ranges, so
    the recipe's figures are on speakers it did not train on."""
    from hearth_voices import sample_voices
    from hearth_voices.festival_family import VOICES as FESTIVAL_VOICES
    from hearth_voices.festival_family import FestivalSettings

    seed = int(rng.integers(2**31))
    voice = sample_voices(family, 1, seed=seed, held_out=group != "train")[0]
    if isinstance(voice.settings, FestivalSettings):  # ked's pseudo-speakers, or kal's
        speaker = FESTIVAL_VOICES[int(rng.integers(len(FESTIVAL_VOICES)))]
        voice = replace(voice, settings=replace(voice.settings, voice=speaker))
    return voice
