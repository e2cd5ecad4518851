"""deploy/mosquitto/mosquitto.conf run by a real Mosquitto with the secrets `hearth init` makes
(hearth.identity), mounted where compose mounts them: a known user connects over TLS; anonymous
clients, a wrong password and plaintext to the TLS port are refused."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hearth import identity
from tests import timeouts
from tests.deploy.deployment import DEPLOY, SECRETS_IN_CONTAINER, tool
from tests.support import free_port

USER = "stt"
MESSAGE = ("-t", f"hearth/v1/status/{USER}/test", "-m", "hello")


@dataclass
class RunningBroker:
    port: int
    ca: Path
    password: str


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def compose_broker(tmp_path: Path) -> Iterator[RunningBroker]:
    secrets = tmp_path / "secrets"
    identity.ensure_secrets(secrets)
    (tmp_path / "data").mkdir()
    port = free_port()
    conf = (DEPLOY / "mosquitto" / "mosquitto.conf").read_text()
    assert "\nlistener 8883\n" in conf
    conf = conf.replace(SECRETS_IN_CONTAINER, str(secrets))
    conf = conf.replace("/mosquitto/data/", f"{tmp_path}/data/")
    conf = conf.replace("\nlistener 8883\n", f"\nlistener {port} 127.0.0.1\n")
    (tmp_path / "mosquitto.conf").write_text(conf + "user root\n")
    process = subprocess.Popen(
        [tool("mosquitto"), "-c", str(tmp_path / "mosquitto.conf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + timeouts.EVENT_S
        while not port_open(port):
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "mosquitto did not listen"
            time.sleep(0.05)
        password = (secrets / "mqtt" / f"{USER}.password").read_text().strip()
        yield RunningBroker(port, secrets / "ca.crt", password)
    finally:
        process.terminate()
        process.wait(timeouts.EVENT_S)


def publish(broker: RunningBroker, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("mosquitto_pub"), "-h", "127.0.0.1", "-p", str(broker.port), *MESSAGE, *args],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
    )


def test_a_known_user_connects_over_tls(compose_broker: RunningBroker) -> None:
    result = publish(
        compose_broker,
        "--cafile",
        str(compose_broker.ca),
        "-u",
        USER,
        "-P",
        compose_broker.password,
    )
    assert result.returncode == 0, result.stderr


def test_anonymous_and_wrong_passwords_are_refused(compose_broker: RunningBroker) -> None:
    anonymous = publish(compose_broker, "--cafile", str(compose_broker.ca))
    assert anonymous.returncode != 0
    wrong = publish(compose_broker, "--cafile", str(compose_broker.ca), "-u", USER, "-P", "guess")
    assert wrong.returncode != 0
    assert "not authori" in (anonymous.stderr + wrong.stderr).lower(), anonymous.stderr


def test_plaintext_to_the_tls_port_is_refused(compose_broker: RunningBroker) -> None:
    result = publish(compose_broker, "-u", USER, "-P", compose_broker.password)
    assert result.returncode != 0
