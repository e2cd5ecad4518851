"""`hearth init`: the home's secrets are made once, private, and never overwritten."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import yaml

from hearth import pki
from tests import timeouts
from tests.support import child_env


def _init(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    config = tmp / "hearth.yaml"
    if not config.exists():
        config.write_text(yaml.safe_dump({"data_dir": str(tmp / "data")}))
    return subprocess.run(
        [sys.executable, "-m", "hearth", "--config", str(config), "init", *args],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
        env=child_env(),
    )


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_init_makes_every_identity_privately(tmp_path: Path) -> None:
    result = _init(tmp_path)
    assert result.returncode == 0, result.stderr
    secrets = tmp_path / "data" / "secrets"
    for name in ("policy", "intent", "stt", "wake", "audio", "hearth", "broker"):
        cert = (secrets / "identities" / f"{name}.crt").read_bytes()
        assert pki.common_name(cert) == name
        assert (secrets / "identities" / f"{name}.key").exists()
    for name in ("policy", "intent", "stt", "wake", "audio", "hearth"):
        assert len((secrets / "mqtt" / f"{name}.password").read_text()) >= 24
    passwd = (secrets / "mqtt" / "passwd").read_text()
    assert all(line.split(":", 1)[1].startswith("$7$101$") for line in passwd.splitlines())
    assert "hearth" in passwd and "broker" not in passwd, "the broker logs in to nobody"
    for path in [secrets, *secrets.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_a_second_init_changes_nothing(tmp_path: Path) -> None:
    assert _init(tmp_path).returncode == 0
    secrets = tmp_path / "data" / "secrets"
    before = _snapshot(secrets)
    again = _init(tmp_path)
    assert again.returncode == 0, again.stderr
    assert "nothing changed" in again.stdout
    assert _snapshot(secrets) == before


def test_adding_a_satellite_keeps_every_existing_secret(tmp_path: Path) -> None:
    assert _init(tmp_path).returncode == 0
    secrets = tmp_path / "data" / "secrets"
    before = _snapshot(secrets)
    result = _init(tmp_path, "--satellite", "kitchen")
    assert result.returncode == 0, result.stderr
    after = _snapshot(secrets)
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {"mqtt/acl", "mqtt/passwd"}, "only the files that list the users"
    added = set(after) - set(before)
    assert added == {
        "identities/satellite-kitchen.crt",
        "identities/satellite-kitchen.key",
        "mqtt/satellite-kitchen.password",
    }
    assert "user satellite-kitchen" in (secrets / "mqtt" / "acl").read_text()


def test_half_a_certificate_authority_is_refused_not_replaced(tmp_path: Path) -> None:
    assert _init(tmp_path).returncode == 0
    secrets = tmp_path / "data" / "secrets"
    (secrets / "ca.key").unlink()
    ca = (secrets / "ca.crt").read_bytes()
    result = _init(tmp_path)
    assert result.returncode == 2
    assert "half a certificate authority" in result.stderr
    assert (secrets / "ca.crt").read_bytes() == ca


def test_a_satellite_must_be_a_site_name(tmp_path: Path) -> None:
    result = _init(tmp_path, "--satellite", "kitchen/#")
    assert result.returncode == 2
    assert "not a site name" in result.stderr
