"""What the deployment files say, read the way Docker would read them: the compose files as
`docker-compose config` resolves them (anchors, merges and variables applied), the Dockerfile as
its stages and instructions. No Docker engine is needed for any of it."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests import timeouts
from tests.support import REPO

DEPLOY = REPO / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
SATELLITES_OVERRIDE = DEPLOY / "compose.satellites.yaml"
SATELLITE = DEPLOY / "satellite.compose.yaml"

BASE_ENV = {"HEARTH_UID": "1000", "HEARTH_GID": "1000"}
SITE = "kitchen"
BASE_ADDRESS = "192.0.2.10"
SATELLITE_ENV = {**BASE_ENV, "HEARTH_SITE": SITE, "HEARTH_BASE_ADDRESS": BASE_ADDRESS}

SECRETS_IN_CONTAINER = "/run/secrets/hearth"
"""Where each container finds its secrets, in the layout `hearth init` writes."""
INFRASTRUCTURE = frozenset({"broker", "models", "cli", "plugins", "prometheus", "grafana"})
"""Compose services that are not Hearth services of the topology."""


def tool(name: str) -> str:
    """A tool the tests need: next to this Python (a pip-installed one) or on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed: run scripts/setup.sh --dev"
    return found


def compose_config(
    *files: Path,
    env: Mapping[str, str],
    quiet: bool = False,
    profiles: Sequence[str] = (),
    env_file: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` of these files, with only the given variables and env file (by
    default none: not the caller's variables, not a .env lying in deploy/)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("HEARTH", "COMPOSE"))}
    with tempfile.TemporaryDirectory() as empty:
        if env_file is None:
            env_file = Path(empty) / ".env"
            env_file.write_text("")
        args = [tool("docker-compose"), "--env-file", str(env_file)]
        args += [arg for path in files for arg in ("-f", str(path))]
        args += [arg for profile in profiles for arg in ("--profile", profile)]
        return subprocess.run(
            [*args, "config", *(["-q"] if quiet else [])],
            capture_output=True,
            text=True,
            env={**environ, **env},
            cwd=DEPLOY,
            timeout=timeouts.CLI_S,
        )


def resolved(
    *files: Path,
    env: Mapping[str, str],
    profiles: Sequence[str] = (),
    env_file: Path | None = None,
) -> dict[str, Any]:
    """The compose model after Compose resolved it."""
    result = compose_config(*files, env=env, profiles=profiles, env_file=env_file)
    assert result.returncode == 0, result.stderr
    model = yaml.safe_load(result.stdout)
    assert isinstance(model, dict)
    return model


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """A service's environment as a mapping of strings (Compose allows a list too)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def secret_targets(service: Mapping[str, Any]) -> dict[str, str]:
    """Target path in the container -> the secret's name, for one service."""
    targets = {}
    for secret in service.get("secrets") or []:
        if isinstance(secret, str):
            secret = {"source": secret}
        targets[secret.get("target") or f"/run/secrets/{secret['source']}"] = secret["source"]
    return targets


@dataclass
class Stage:
    """One build stage of a Dockerfile: what it starts from and its instructions in order."""

    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for key, args in self.instructions if key == keyword]

    def last(self, keyword: str) -> str | None:
        found = self.all(keyword)
        return found[-1] if found else None

    def exec_form(self, keyword: str) -> list[str]:
        """The JSON (exec) form of CMD or of HEALTHCHECK's CMD."""
        args = self.last(keyword)
        assert args is not None, f"stage {self.name} has no {keyword}"
        if keyword == "HEALTHCHECK":
            args = args[args.index("CMD") + len("CMD") :]
        value = json.loads(args)
        assert isinstance(value, list)
        return [str(v) for v in value]

    def pip_installs(self) -> list[list[str]]:
        """The arguments of every `pip install` the stage runs."""
        installs = []
        for run in self.all("RUN"):
            for command in re.split(r"&&|;", run):
                words = shlex.split(command)
                if words[:2] == ["pip", "install"]:
                    installs.append(words[2:])
        return installs


def dockerfile_stages(path: Path = DOCKERFILE) -> dict[str, Stage]:
    """The stages by name, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else words[0]
            current = stages[name] = Stage(name, words[0])
        elif current is not None:
            current.instructions.append((keyword, args.strip()))
    return stages


@dataclass(frozen=True)
class Published:
    host_ip: str
    """Empty: every interface of the host."""
    host_port: str
    container_port: str


def published_ports(service: Mapping[str, Any]) -> list[Published]:
    """A service's published ports, whichever form Compose printed them in."""
    found = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            found.append(
                Published(str(port.get("host_ip", "")), str(port["published"]), str(port["target"]))
            )
            continue
        parts = str(port).split("/")[0].split(":")
        host_ip = parts[0] if len(parts) == 3 else ""
        found.append(Published(host_ip, parts[-2], parts[-1]))
    return found


@dataclass(frozen=True)
class Mount:
    source: str
    """A named volume's name, or a host path for a bind mount."""
    target: str

    @property
    def is_bind(self) -> bool:
        return self.source.startswith("/")


def mounts(service: Mapping[str, Any]) -> list[Mount]:
    """A service's volumes, whichever form Compose printed them in."""
    found = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            found.append(Mount(str(volume.get("source", "")), str(volume["target"])))
        else:
            source, target = str(volume).split(":")[:2]
            found.append(Mount(source, target))
    return found
