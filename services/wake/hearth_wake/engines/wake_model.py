"""The wake classifier file (``.npz``): a tiny MLP over the last 16 embedding frames.

The format is plain arrays plus a JSON metadata string so it loads with
``allow_pickle=False``: a model file can never execute code.
"""

from __future__ import annotations

import json
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hearth_wake.engines.errors import WakeModelError
from hearth_wake.engines.speech_embedding import EMBEDDING_DIM

FORMAT_NAME = "hearth-wake-embedding"
FORMAT_VERSION = 1
ARRAY_KEYS = ("feature_mean", "feature_std", "w1", "b1", "w2", "b2")
REQUIRED_METADATA = (
    "format",
    "format_version",
    "phrase",
    "threshold",
    "window_frames",
    "embedding_sha256",
)
_RETRAIN_HINT = "replace it with the model shipped with Hearth or retrain it (`hearth wake train`)"


@dataclass(frozen=True)
class WakeClassifier:
    """Weights and metadata of one wake phrase model; immutable so streams can share it."""

    feature_mean: np.ndarray  # (96,)
    feature_std: np.ndarray  # (96,)
    w1: np.ndarray  # (window_frames*96, hidden)
    b1: np.ndarray  # (hidden,)
    w2: np.ndarray  # (hidden,)
    b2: np.ndarray  # (1,)
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def phrase(self) -> str:
        return str(self.metadata["phrase"])

    @property
    def threshold(self) -> float:
        return float(self.metadata["threshold"])

    @property
    def checked_logit(self) -> float | None:
        """The threshold (a logit) for when a second stage checks every detection: the model
        fires at it as often on its calibration negatives as the check's budget allows
        (``hearth_wake_train.recipe.CHECKED_FIRES_PER_HOUR``). None for models trained before it
        was recorded."""
        value = self.metadata.get("checked_threshold_logit")
        return None if value is None else float(value)

    @property
    def window_frames(self) -> int:
        return int(self.metadata["window_frames"])

    @property
    def frames_in_a_row(self) -> int:
        """The decision rule the threshold was calibrated with (models before recipe 2: one
        frame)."""
        return int(self.metadata.get("frames_in_a_row", 1))

    def logits(self, windows: np.ndarray) -> np.ndarray:
        """Raw scores for (n, window_frames, 96) embedding windows."""
        flat = self.normalise(windows).reshape(windows.shape[0], -1)
        hidden = np.maximum(flat @ self.w1 + self.b1, 0.0)
        return hidden @ self.w2 + self.b2[0]

    def normalise(self, windows: np.ndarray) -> np.ndarray:
        return (windows - self.feature_mean) / self.feature_std

    def save(self, path: Path) -> None:
        """Write the model; arrays as float32 so the file stays small."""
        arrays = {key: np.asarray(getattr(self, key), dtype=np.float32) for key in ARRAY_KEYS}
        text = json.dumps(self.metadata, sort_keys=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            np.savez_compressed(handle, metadata=np.array(text), **arrays)  # type: ignore[arg-type]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -60.0, 60.0)))


def load_classifier(path: Path) -> WakeClassifier:
    """Load and validate a model file, explaining exactly what is wrong if it is unusable."""
    if not path.is_file():
        raise WakeModelError(
            f"Wake model file {path} does not exist; check the path in the wake settings."
        )
    arrays = _read_npz(path)
    metadata = _parse_metadata(path, arrays)
    model = WakeClassifier(**{key: arrays[key] for key in ARRAY_KEYS}, metadata=metadata)
    _check_shapes(path, model)
    return model


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: np.asarray(data[key]) for key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise WakeModelError(
            f"Wake model file {path} is not a valid .npz model (corrupt or wrong file type: "
            f"{exc}); {_RETRAIN_HINT}."
        ) from exc
    missing = [key for key in (*ARRAY_KEYS, "metadata") if key not in arrays]
    if missing:
        raise WakeModelError(
            f"Wake model file {path} lacks {', '.join(missing)}; it is not a Hearth embedding wake "
            f"model; {_RETRAIN_HINT}."
        )
    return arrays


def _parse_metadata(path: Path, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    try:
        metadata = json.loads(str(arrays["metadata"]))
    except (json.JSONDecodeError, TypeError) as exc:
        raise WakeModelError(
            f"Wake model file {path} has unreadable metadata ({exc}); {_RETRAIN_HINT}."
        ) from exc
    if not isinstance(metadata, dict):
        raise WakeModelError(f"Wake model file {path} has malformed metadata; {_RETRAIN_HINT}.")
    missing = [key for key in REQUIRED_METADATA if key not in metadata]
    if missing:
        raise WakeModelError(
            f"Wake model file {path} metadata lacks {', '.join(missing)}; {_RETRAIN_HINT}."
        )
    if metadata["format"] != FORMAT_NAME or metadata["format_version"] != FORMAT_VERSION:
        raise WakeModelError(
            f"Wake model file {path} has format {metadata['format']!r} "
            f"v{metadata['format_version']}, "
            f"this Hearth reads {FORMAT_NAME!r} v{FORMAT_VERSION}; {_RETRAIN_HINT}."
        )
    threshold = metadata["threshold"]
    if not isinstance(threshold, (int, float)) or not 0.0 < float(threshold) < 1.0:
        raise WakeModelError(
            f"Wake model file {path} has an invalid threshold {threshold!r}; {_RETRAIN_HINT}."
        )
    checked = metadata.get("checked_threshold_logit", -math.inf)
    calibrated = math.log(float(threshold) / (1.0 - float(threshold)))
    if not isinstance(checked, (int, float)) or not checked <= calibrated + 1e-6:
        raise WakeModelError(
            f"Wake model file {path} has an invalid checked_threshold_logit {checked!r} (a "
            f"logit no higher than the threshold's, {calibrated:.3f}); {_RETRAIN_HINT}."
        )
    return metadata


def _check_shapes(path: Path, model: WakeClassifier) -> None:
    frames = model.window_frames
    hidden = model.b1.shape[0] if model.b1.ndim == 1 else -1
    expected = {
        "feature_mean": (EMBEDDING_DIM,),
        "feature_std": (EMBEDDING_DIM,),
        "w1": (frames * EMBEDDING_DIM, hidden),
        "b1": (hidden,),
        "w2": (hidden,),
        "b2": (1,),
    }
    for key, shape in expected.items():
        actual = getattr(model, key).shape
        if actual != shape or hidden <= 0:
            raise WakeModelError(
                f"Wake model file {path} has array {key} of shape {actual}, expected {shape} "
                f"for {frames} frames of {EMBEDDING_DIM}-dim embeddings; the file is damaged or "
                f"was made for another engine; {_RETRAIN_HINT}."
            )
    if not all(np.all(np.isfinite(getattr(model, key))) for key in ARRAY_KEYS) or np.any(
        model.feature_std <= 0
    ):
        raise WakeModelError(
            f"Wake model file {path} contains invalid numbers (NaN/inf); {_RETRAIN_HINT}."
        )
