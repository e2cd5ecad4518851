"""Outside hearth/v1 the broker grants exactly the Hermes bridge's topics: intent writes
hermes/intent/<intentName> and hermes/nlu/intentNotRecognized and nothing else under hermes/, no
other identity writes there, and the owner reads hermes/#. Checked in the generated ACL and
with a real Mosquitto."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from hearth import broker_auth, topics
from tests.security.test_broker_access import SETTLE_S, Client
from tests.support import Broker


def _rules(acl: str) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    current: list[str] = []
    for line in acl.splitlines():
        if line.startswith("user "):
            current = users.setdefault(line.removeprefix("user "), [])
        elif line.startswith("topic "):
            current.append(line)
    return users


def test_the_acl_grants_intent_the_hermes_topics_and_the_owner_reads_them() -> None:
    users = _rules(broker_auth.acl(["kitchen"]))
    hermes = {user: [r for r in rules if " hermes/" in r] for user, rules in users.items()}
    assert hermes.pop("intent") == [
        "topic write hermes/intent/+",
        "topic write hermes/nlu/intentNotRecognized",
    ]
    assert hermes.pop(topics.ADMIN) == ["topic read hermes/#"]
    assert not any(hermes.values()), f"no one else touches hermes/: {hermes}"


@pytest.fixture()
def owner(broker: Broker) -> Iterator[Client]:
    client = Client(broker, topics.ADMIN)
    client.subscribe("hermes/#")
    yield client
    client.close()


@pytest.mark.parametrize(
    ("identity", "allowed", "denied"),
    [
        ("intent", "hermes/intent/HassTurnOn", "hermes/nlu/query"),
        ("intent", "hermes/nlu/intentNotRecognized", "hermes/tts/say"),
        ("intent", "hermes/intent/HassTurnOff", "hermes/intent/HassTurnOn/extra"),
        ("stt", None, "hermes/intent/HassTurnOn"),
        ("satellite-kitchen", None, "hermes/nlu/intentNotRecognized"),
    ],
)
def test_only_intent_writes_only_the_hermes_topics(
    broker: Broker, owner: Client, identity: str, allowed: str | None, denied: str
) -> None:
    client = Client(broker, identity)
    try:
        client.publish(denied)
        if allowed:
            client.publish(allowed)
            assert owner.wait_for(allowed), f"{identity} could not publish {allowed}"
        else:
            time.sleep(SETTLE_S)
        time.sleep(SETTLE_S)
        assert not owner.got(denied), f"{identity} published {denied}"
    finally:
        client.close()


def test_no_service_reads_the_hermes_topics(broker: Broker, owner: Client) -> None:
    reader = Client(broker, "policy")
    writer = Client(broker, "intent")
    try:
        reader.subscribe("hermes/#")
        writer.publish("hermes/intent/HassTurnOn")
        assert owner.wait_for("hermes/intent/HassTurnOn")
        time.sleep(SETTLE_S)
        assert not reader.got("hermes/intent/HassTurnOn")
    finally:
        reader.close()
        writer.close()
