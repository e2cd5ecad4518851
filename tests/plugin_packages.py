"""Plugin packages installed with pip for a test, found through their entry points as the
service finds any plugin: `pip install --target` into a temporary directory that goes on the
path (in-process, or as PYTHONPATH for a child), so the project's virtualenv is never changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support import REPO

EXAMPLE = REPO / "examples" / "hearth-shopping-list"
MISBEHAVING = REPO / "tests" / "plugins" / "misbehaving"


def install(target: Path, *packages: Path) -> Path:
    """pip-install the packages (copied first: a build must not litter the repository) into
    `target`; returns it. About 5 s per package."""
    sources = target.parent / f"{target.name}-sources"
    copies = []
    for package in packages:
        copy = sources / package.name
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("build", "*.egg-info"))
        copies.append(str(copy))
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--no-index", "--target", str(target), *copies],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target
