"""`hearth plugins list` and `hearth plugins new`, run as people run them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests import plugin_packages
from tests.support import child_env


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return plugin_packages.install(
        tmp_path_factory.mktemp("plugins") / "site", plugin_packages.MISBEHAVING
    )


def hearth(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hearth", *args],
        capture_output=True,
        text=True,
        env={**child_env(), **(env or {})},
        timeout=120,
    )


def test_list_says_what_is_enabled_failing_and_why_and_what_stops_the_service(
    site_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "hearth.yaml"
    enabled = ["time", "broken", "clash-a", "clash-b", "no-such-plugin"]
    config.write_text(yaml.safe_dump({"intent": {"plugins": {"enabled": enabled}}}))
    result = hearth("--config", str(config), "plugins", "list", env={"PYTHONPATH": str(site_dir)})
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "broken: failing\n" in out
    assert "  problem   import: ModuleNotFoundError at broken.py:3\n" in out
    assert "hanging: disabled\n" in out and "  intents   TestHang\n" in out
    assert "privacy: enabled\n" in out and "  sentences 12\n" in out
    assert "no-such-plugin: not installed\n" in out
    assert "claimed by both plugin clash-a and plugin clash-b" in out


def test_new_refuses_a_bad_name_and_an_existing_directory(tmp_path: Path) -> None:
    bad = hearth("plugins", "new", "Shopping/List", "--dir", str(tmp_path / "x"))
    assert bad.returncode == 2 and "plugin name" in bad.stderr
    (tmp_path / "taken").mkdir()
    taken = hearth("plugins", "new", "hello", "--dir", str(tmp_path / "taken"))
    assert taken.returncode == 2 and "already exists" in taken.stderr
