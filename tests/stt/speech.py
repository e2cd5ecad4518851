"""Real speech for the stt tests (tests/speech.py makes it) and how the tests feed an engine."""

from __future__ import annotations

import time

import numpy as np

from hearth_stt.engines.base import FinalResult, Utterance
from tests.speech import espeak_pcm

RATE = 16000
CHUNK = 3200  # 100 ms, what the audio service sends


def synthesize(text: str, voice: str, speed: int = 150) -> bytes:
    """Speech as 16 kHz mono s16le PCM, made now (never shipped as a fixture)."""
    return espeak_pcm(text, voice, speed)


def quiet(seconds: float, level: int = 20, seed: int = 0) -> bytes:
    """Low room noise rather than digital zeros, like a real microphone."""
    rng = np.random.default_rng(seed)
    return rng.integers(-level, level + 1, int(seconds * RATE), dtype=np.int16).tobytes()


def stream(
    utterance: Utterance, pcm: bytes, stop_at_end: bool = True
) -> tuple[float | None, list[str]]:
    """Feed 100 ms chunks; return when end of speech fired (seconds of audio fed) and the
    partials."""
    partials: list[str] = []
    for start in range(0, len(pcm), CHUNK):
        update = utterance.accept(pcm[start : start + CHUNK])
        if update.partial:
            partials.append(update.partial)
        if update.end_of_speech:
            ended = min(start + CHUNK, len(pcm)) / (2 * RATE)
            if stop_at_end:
                return ended, partials
    return None, partials


def timed_finish(utterance: Utterance) -> tuple[FinalResult, float]:
    started = time.perf_counter()
    result = utterance.finish()
    return result, time.perf_counter() - started


def piper_pcm(text: str) -> bytes:
    """``text`` spoken by Piper's en_US joe voice (a real speaker's recordings), as 16 kHz PCM.

    Through `hearth_voices`, whose Piper noise is seeded: Piper's graph draws random noise on
    every call, so unseeded speech differs from run to run, and a recogniser's result with it.
    """
    from hearth_voices import piper_family
    from hearth_voices.audio import to_int16

    return to_int16(piper_family.synthesize(text, piper_family.PiperSettings())).tobytes()
