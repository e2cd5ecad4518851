"""Who each process is, and the secrets that prove it.

`hearth init` (and `hearth up` on its first run) writes one secrets directory: the home's CA, a key
and certificate per identity, a broker password per identity with Mosquitto's hashed password file
and ACL, the session-token and audit keys and Grafana's admin password. Every file is 0600 in a
0700 directory, and nothing that exists is ever overwritten: running it again changes nothing, and
adding a satellite adds only what that satellite needs (and the broker files that list it).

A process finds its own files through `Identity`, resolved once at its entry point.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hearth import broker_auth, pki, topics
from hearth.settings import CommonSettings

BROKER = "broker"
"""Mosquitto's own identity (its server certificate)."""
BASE_IDENTITIES = (*broker_auth.SERVICES, topics.ADMIN)
"""Identities every home has: the six services and the owner."""
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
HOST_ALIASES = {BROKER: ("mosquitto",)}
"""Further names an identity is reached by in the compose deployment (its service name)."""


@dataclass(frozen=True)
class SecretsLayout:
    """Where each secret lives below the secrets directory (the compose files mount the same
    paths)."""

    root: Path

    @property
    def ca_cert(self) -> Path:
        return self.root / "ca.crt"

    @property
    def ca_key(self) -> Path:
        return self.root / "ca.key"

    def cert(self, identity: str) -> Path:
        return self.root / "identities" / f"{identity}.crt"

    def key(self, identity: str) -> Path:
        return self.root / "identities" / f"{identity}.key"

    def mqtt_password(self, identity: str) -> Path:
        return self.root / "mqtt" / f"{identity}.password"

    @property
    def mqtt_passwd(self) -> Path:
        return self.root / "mqtt" / "passwd"

    @property
    def mqtt_acl(self) -> Path:
        return self.root / "mqtt" / "acl"

    @property
    def session_key(self) -> Path:
        return self.root / "session.key"

    @property
    def audit_key(self) -> Path:
        return self.root / "audit.key"

    @property
    def grafana_password(self) -> Path:
        return self.root / "grafana_admin_password"

    @property
    def compose_env(self) -> Path:
        return self.root / "compose.env"

    def satellites(self) -> list[str]:
        """Sites that have a satellite identity already."""
        found = []
        for path in sorted((self.root / "identities").glob(f"{broker_auth.SATELLITE_PREFIX}*.crt")):
            site = broker_auth.satellite_site(path.stem)
            if site:
                found.append(site)
        return found


@dataclass(frozen=True)
class Identity:
    """The files one process presents: its certificate and key, the CA it trusts, its broker
    password."""

    name: str
    ca_file: Path
    cert_file: Path
    key_file: Path
    mqtt_password_file: Path

    @classmethod
    def of(cls, layout: SecretsLayout, name: str) -> Identity:
        return cls(
            name,
            layout.ca_cert,
            layout.cert(name),
            layout.key(name),
            layout.mqtt_password(name),
        )

    def check(self) -> None:
        """Fail at start, with what to do, rather than at the first call."""
        missing = [p for p in (self.ca_file, self.cert_file, self.key_file) if not p.exists()]
        if missing:
            raise IdentityError(
                f"no credentials for identity {self.name!r}: missing "
                f"{', '.join(str(p) for p in missing)}; run `hearth init` "
                "(for a satellite: `hearth init --satellite SITE` on the base, then copy its "
                "files)"
            )


def resolve(common: CommonSettings, default_name: str) -> Identity:
    """This process's identity from its settings: the configured one, else `default_name`."""
    return Identity.of(SecretsLayout(common.secrets_path), common.identity_name(default_name))


class IdentityError(Exception):
    """A process cannot prove who it is; the message says what to run."""


@dataclass
class InitReport:
    """What `hearth init` wrote this time (empty when everything existed)."""

    written: list[Path] = field(default_factory=list)


def ensure_secrets(
    root: Path, satellites: Sequence[str] = (), hosts: Sequence[str] = ()
) -> InitReport:
    """Create whatever is missing; never overwrite a secret. `hosts` are further names or
    addresses the base is reached by from other machines (for the broker's and services'
    certificates)."""
    layout = SecretsLayout(root.expanduser())
    report = InitReport()
    _private_dir(layout.root)
    for sub in ("identities", "mqtt"):
        _private_dir(layout.root / sub)
    ca = _ensure_ca(layout, report)
    all_satellites = sorted(set(layout.satellites()) | set(satellites))
    identities = [
        *BASE_IDENTITIES,
        BROKER,
        *(broker_auth.satellite_identity(site) for site in all_satellites),
    ]
    for name in identities:
        names = (name, f"hearth-{name}", *HOST_ALIASES.get(name, ()), *LOCAL_HOSTS, *hosts)
        if not layout.cert(name).exists() or not layout.key(name).exists():
            pair = pki.new_leaf(ca, name, names)
            _write(layout.key(name), pair.key_pem, report, replace=True)
            _write(layout.cert(name), pair.cert_pem, report, replace=True)
    broker_users = [name for name in identities if name != BROKER]
    for name in broker_users:
        _write(layout.mqtt_password(name), _token().encode(), report)
    _ensure_broker_files(layout, broker_users, all_satellites, report)
    _write(layout.session_key, secrets.token_bytes(32).hex().encode(), report)
    _write(layout.audit_key, secrets.token_bytes(32).hex().encode(), report)
    _write(layout.grafana_password, _token().encode(), report)
    _write(layout.compose_env, _compose_env(layout).encode(), report)
    return report


def _ensure_ca(layout: SecretsLayout, report: InitReport) -> pki.KeyPair:
    if layout.ca_cert.exists() and layout.ca_key.exists():
        return pki.KeyPair(layout.ca_key.read_bytes(), layout.ca_cert.read_bytes())
    if layout.ca_cert.exists() or layout.ca_key.exists():
        raise IdentityError(
            f"{layout.root} holds half a certificate authority (ca.crt or ca.key is missing); "
            "restore it from a backup, or move the directory away to start over"
        )
    ca = pki.new_ca()
    _write(layout.ca_key, ca.key_pem, report)
    _write(layout.ca_cert, ca.cert_pem, report)
    return ca


def _ensure_broker_files(
    layout: SecretsLayout, users: list[str], satellites: list[str], report: InitReport
) -> None:
    """The hashed password file and the ACL are derived from the rest: written again only when the
    set of users changed, so a second `hearth init` leaves them byte for byte."""
    acl = broker_auth.acl(satellites)
    if not layout.mqtt_acl.exists() or layout.mqtt_acl.read_text() != acl:
        _write(layout.mqtt_acl, acl.encode(), report, replace=True)
    if _passwd_users(layout.mqtt_passwd) != set(users):
        passwords = {user: layout.mqtt_password(user).read_text().strip() for user in users}
        _write(
            layout.mqtt_passwd, broker_auth.password_file(passwords).encode(), report, replace=True
        )


def _passwd_users(path: Path) -> set[str]:
    if not path.exists():
        return set()
    return {line.split(":", 1)[0] for line in path.read_text().splitlines() if ":" in line}


def _compose_env(layout: SecretsLayout) -> str:
    """Compose mounts the secrets as they are (0600, this user's), so its containers run as this
    user (deploy/compose.yaml reads HEARTH_UID and HEARTH_GID)."""
    return (
        "# Written by `hearth init`: docker compose --env-file "
        f"{layout.compose_env} ...\n"
        f"HEARTH_SECRETS={layout.root}\n"
        f"HEARTH_UID={os.getuid()}\n"
        f"HEARTH_GID={os.getgid()}\n"
    )


def _token() -> str:
    return secrets.token_urlsafe(24)


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)


def _write(path: Path, data: bytes, report: InitReport, replace: bool = False) -> None:
    """Write a 0600 file; an existing one is kept unless it is derived (`replace`)."""
    if path.exists() and not replace:
        return
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
    report.written.append(path)
