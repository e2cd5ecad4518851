"""Hearth's own Mosquitto for `hearth up`: the system binary with its own config, port and data."""

from __future__ import annotations

import os
import pwd
import shutil
from pathlib import Path

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
    """Listen on loopback only; persist retained state (mute, status) across broker restarts.

    Anonymous access is limited to this machine's loopback interface; the compose deployment
    secures the broker with generated per-service credentials.
    """
    store = common.data_path / "mosquitto"
    store.mkdir(parents=True, exist_ok=True)
    user = _broker_user()
    run_dir.mkdir(parents=True, exist_ok=True)
    conf = run_dir / "mosquitto.conf"
    conf.write_text(
        "\n".join(
            [
                "# Written by `hearth up`; edits are overwritten.",
                f"listener {common.mqtt.port} 127.0.0.1",
                "allow_anonymous true",
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
