"""Hearth's own Mosquitto for `hearth up`: the system binary with its own config, port and data."""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

from hearth.identity import BROKER, SecretsLayout
from hearth.settings import CommonSettings

MOSQUITTO_CANDIDATES = ("mosquitto", "/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto")


class BrokerError(Exception):
    """Mosquitto is missing or would not start; the message says what to do."""


def find_mosquitto() -> str:
    for candidate in MOSQUITTO_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    raise BrokerError(
        "mosquitto is not installed; install it (Debian/Ubuntu: sudo apt install mosquitto) and "
        "try again"
    )


def write_config(common: CommonSettings, run_dir: Path) -> Path:
    """Listen on loopback only, over TLS, for the identities `hearth init` made; persist retained
    state (mute, status) across broker restarts.

    Nobody is anonymous: every client logs in with its identity's password and reaches only the
    topics the ACL (made from the event catalogue) gives it, as in the compose deployment.
    """
    layout = SecretsLayout(common.secrets_path)
    store = common.data_path / "mosquitto"
    store.mkdir(parents=True, exist_ok=True, mode=0o700)
    user = _broker_user()
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    conf = run_dir / "mosquitto.conf"
    conf.write_text(
        "\n".join(
            [
                "# Written by `hearth up`; edits are overwritten.",
                "per_listener_settings false",
                "allow_anonymous false",
                f"password_file {layout.mqtt_passwd}",
                f"acl_file {layout.mqtt_acl}",
                f"listener {common.mqtt.port} 127.0.0.1",
                f"cafile {layout.ca_cert}",
                f"certfile {layout.cert(BROKER)}",
                f"keyfile {layout.key(BROKER)}",
                "tls_version tlsv1.2",
                f"user {user}",
                "persistence true",
                f"persistence_location {store}/",
                "autosave_interval 30",
                f"max_packet_size {common.mqtt.max_payload_bytes + 4096}",
                "log_dest stderr",
                "log_type error",
                "log_type warning",
                "connection_messages false",
                "",
            ]
        )
    )
    return conf


def _broker_user() -> str:
    """Mosquitto started as root would drop to the `mosquitto` user, which cannot reach a data
    directory under a private home; it keeps the identity of whoever runs `hearth up`."""
    return pwd.getpwuid(os.geteuid()).pw_name


def check_local(common: CommonSettings) -> None:
    if common.mqtt.host not in ("127.0.0.1", "localhost", "::1"):
        raise BrokerError(
            f"mqtt.host is {common.mqtt.host}: `hearth up` runs its own broker on this machine "
            "only (use 127.0.0.1)"
        )
