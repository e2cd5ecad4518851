"""deploy/prometheus is valid for Prometheus itself, and every alert behaves as its unit tests
say."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests import timeouts
from tests.support import REPO

PROMETHEUS_DIR = REPO / "deploy" / "prometheus"
PROMTOOL = shutil.which("promtool")
pytestmark = pytest.mark.skipif(
    PROMTOOL is None,
    reason="promtool missing: install Debian's prometheus (scripts/setup.sh --dev)",
)


def _promtool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run(
        [PROMTOOL, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
        cwd=PROMETHEUS_DIR,
    )


def test_config_is_valid() -> None:
    result = _promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_are_valid() -> None:
    rule_files = sorted((PROMETHEUS_DIR / "rules").glob("*.yml"))
    assert rule_files
    result = _promtool("check", "rules", *rule_files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_unit_tests_pass() -> None:
    test_files = sorted((PROMETHEUS_DIR / "tests").glob("*.test.yml"))
    assert test_files
    result = _promtool("test", "rules", *test_files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_a_unit_test() -> None:
    import yaml

    alerts = {
        rule["alert"]
        for path in (PROMETHEUS_DIR / "rules").glob("*.yml")
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "alert" in rule
    }
    fired = set()
    for path in (PROMETHEUS_DIR / "tests").glob("*.test.yml"):
        for case in yaml.safe_load(path.read_text())["tests"]:
            fired |= {
                check["alertname"]
                for check in case.get("alert_rule_test", [])
                if check.get("exp_alerts")
            }
    assert alerts - fired == set(), "alerts no unit test sees firing"
