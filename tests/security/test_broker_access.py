"""The broker as `hearth init` and `hearth up` configure it, with a real Mosquitto: each identity
may publish what it produces and read what it consumes, and nothing else; anonymous clients, wrong
passwords and plaintext are refused."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from hearth import topics
from tests import timeouts
from tests.support import Broker, producer_of

SETTLE_S = 0.7
"""After the owner saw a message, how long another subscriber is given to see it too."""


class Client:
    """One identity's connection, keeping what it receives."""

    def __init__(self, broker: Broker, identity: str) -> None:
        self.received: list[str] = []
        self._lock = threading.Lock()
        self.paho = broker.client(identity)
        self.paho.on_message = self._on_message
        self.connected = threading.Event()
        self.paho.on_connect = lambda *_: self.connected.set()
        self.paho.connect("127.0.0.1", broker.port)
        self.paho.loop_start()
        assert self.connected.wait(timeouts.EVENT_S), f"{identity} could not connect"

    def _on_message(self, _c: Any, _u: Any, message: Any) -> None:
        with self._lock:
            self.received.append(message.topic)

    def subscribe(self, topic: str) -> None:
        done = threading.Event()
        self.paho.on_subscribe = lambda *_: done.set()
        self.paho.subscribe(topic, qos=1)
        assert done.wait(timeouts.EVENT_S)

    def publish(self, topic: str) -> None:
        self.paho.publish(topic, b"{}", qos=1).wait_for_publish(timeouts.EVENT_S)

    def got(self, topic: str) -> bool:
        with self._lock:
            return topic in self.received

    def wait_for(self, topic: str) -> bool:
        deadline = time.monotonic() + timeouts.EVENT_S
        while not self.got(topic):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def close(self) -> None:
        self.paho.disconnect()
        self.paho.loop_stop()


@pytest.fixture()
def owner(broker: Broker) -> Any:
    client = Client(broker, "hearth")
    client.subscribe("hearth/v1/#")
    yield client
    client.close()


K = "kitchen"
# identity, a topic it may publish, a topic it may not (the second names the real producer)
PUBLISH = [
    ("policy", topics.MUTE_STATE.topic(K), topics.TRANSCRIPT.topic(K)),
    ("intent", topics.INTENT_RECOGNIZED.topic(K), topics.MUTE_STATE.topic(K)),
    ("intent", topics.VOCABULARY.topic(), topics.AUDIT_HEAD.topic()),
    ("stt", topics.TRANSCRIPT.topic(K), topics.VOCABULARY.topic()),
    ("wake", topics.WAKE_DETECTED.topic(K), topics.TRANSCRIPT.topic(K)),
    ("audio", topics.status("audio", "base"), topics.MUTE_COMMAND.topic(K)),
    ("hearth", topics.MUTE_COMMAND.topic(K), topics.TRANSCRIPT.topic(K)),
    ("satellite-kitchen", topics.MUTE_COMMAND.topic(K), topics.MUTE_COMMAND.topic("office")),
    ("satellite-kitchen", topics.WAKE_DETECTED.topic(K), topics.WAKE_DETECTED.topic("office")),
]


@pytest.mark.parametrize(("identity", "allowed", "denied"), PUBLISH)
def test_each_identity_publishes_only_what_it_produces(
    broker: Broker, owner: Client, identity: str, allowed: str, denied: str
) -> None:
    client = Client(broker, identity)
    try:
        client.publish(denied)
        client.publish(allowed)  # same client, QoS 1: delivered after the denied one would be
        assert owner.wait_for(allowed), f"{identity} could not publish {allowed}"
        time.sleep(SETTLE_S)
        assert not owner.got(denied), f"{identity} published {denied}"
    finally:
        client.close()


# identity, a topic it may read, a topic it may not, and who publishes each
READ = [
    ("intent", topics.TRANSCRIPT.topic(K), topics.MUTE_COMMAND.topic(K)),
    ("policy", topics.MUTE_COMMAND.topic(K), topics.WAKE_DETECTED.topic(K)),
    ("stt", topics.VOCABULARY.topic(), topics.TRANSCRIPT.topic(K)),
    ("satellite-kitchen", topics.MUTE_STATE.topic(K), topics.MUTE_STATE.topic("office")),
    ("wake", None, topics.TRANSCRIPT.topic(K)),
    ("audio", None, topics.INTENT_RECOGNIZED.topic(K)),
]


@pytest.mark.parametrize(("identity", "allowed", "denied"), READ)
def test_each_identity_reads_only_what_it_consumes(
    broker: Broker, owner: Client, identity: str, allowed: str | None, denied: str
) -> None:
    reader = Client(broker, identity)
    try:
        for topic in filter(None, (allowed, denied)):
            reader.subscribe(topic)
        for topic in filter(None, (denied, allowed)):
            publisher = Client(broker, producer_of(topic))
            publisher.publish(topic)
            publisher.close()
            assert owner.wait_for(topic)
        if allowed:
            assert reader.wait_for(allowed), f"{identity} could not read {allowed}"
        time.sleep(SETTLE_S)
        assert not reader.got(denied), f"{identity} read {denied}"
    finally:
        reader.close()


def _connect_code(broker: Broker, client: mqtt.Client) -> Any:
    result: list[Any] = []
    done = threading.Event()

    def on_connect(_c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        result.append(reason)
        done.set()

    client.on_connect = on_connect
    try:
        client.connect("127.0.0.1", broker.port)
    except (OSError, ssl.SSLError) as exc:
        return exc
    client.loop_start()
    done.wait(5)
    client.loop_stop()
    return result[0] if result else "no answer"


def test_anonymous_and_wrong_passwords_are_refused(broker: Broker) -> None:
    anonymous = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    anonymous.tls_set(ca_certs=str(broker.secrets / "ca.crt"))
    assert str(_connect_code(broker, anonymous)) == "Not authorized"
    forger = broker.client("policy")
    forger.username_pw_set("policy", "guessed")
    assert str(_connect_code(broker, forger)) in ("Not authorized", "Bad user name or password")


def test_plaintext_to_the_tls_port_gets_no_session(broker: Broker) -> None:
    with socket.create_connection(("127.0.0.1", broker.port), timeout=timeouts.RPC_S) as sock:
        # An MQTT 3.1.1 CONNECT in the clear (client id "x", clean session, keepalive 60).
        sock.sendall(bytes([0x10, 13, 0, 4]) + b"MQTT" + bytes([4, 2, 0, 60, 0, 1]) + b"x")
        sock.settimeout(timeouts.RPC_S)
        try:
            reply = sock.recv(16)
        except (ConnectionResetError, TimeoutError):
            reply = b""
    assert not reply.startswith(b"\x20"), "the broker answered a plaintext CONNECT"


def test_the_broker_certificate_is_checked_against_the_home_ca(
    broker: Broker, tmp_path: Path
) -> None:
    from hearth import pki

    stranger = tmp_path / "other-ca.crt"
    stranger.write_bytes(pki.new_ca("someone else").cert_pem)
    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.username_pw_set("policy", (broker.secrets / "mqtt" / "policy.password").read_text())
    client.tls_set(ca_certs=str(stranger))
    assert isinstance(_connect_code(broker, client), (ssl.SSLError, OSError))
