"""The bus against a real Mosquitto: an event published while the broker is down is delivered
after it comes back (nothing accepted is lost), and bad payloads never reach a handler."""

from __future__ import annotations

import asyncio
import time

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from hearth.bus import Bus
from hearth.settings import MqttSettings
from hearth.v1 import events_pb2
from tests import timeouts
from tests.support import Broker


def _persistent_subscriber(broker: Broker, topic: str, received: list[bytes]) -> mqtt.Client:
    client = broker.client("policy", client_id="test-subscriber")
    client.on_message = lambda _c, _u, msg: received.append(bytes(msg.payload))
    client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
    props = Properties(PacketTypes.CONNECT)
    props.SessionExpiryInterval = 600
    client.reconnect_delay_set(0.2, 1)
    client.connect("127.0.0.1", broker.port, clean_start=False, properties=props)
    client.loop_start()
    return client


async def _until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


def test_event_published_while_the_broker_is_down_is_delivered_after_it_returns(
    broker: Broker,
) -> None:
    received: list[bytes] = []
    subscriber = _persistent_subscriber(broker, "hearth/v1/policy/+/mute/set", received)

    async def scenario() -> None:
        bus = Bus(
            MqttSettings(port=broker.port, reconnect_max_s=1.0), "test", broker.identity("hearth")
        )
        await bus.connect()
        assert await bus.wait_connected(timeouts.EVENT_S)
        await asyncio.sleep(0.3)
        broker.stop()
        assert await _until(lambda: not bus.connected, timeouts.EVENT_S)
        bus.publish(
            "hearth/v1/policy/kitchen/mute/set", events_pb2.MuteCommand(muted=True)
        )  # accepted while the broker is away
        broker.start()
        assert await _until(lambda: bool(received), timeouts.EVENT_S * 2), (
            "the queued event was lost"
        )
        await bus.disconnect()

    try:
        asyncio.run(scenario())
    finally:
        subscriber.disconnect()
        subscriber.loop_stop()
    assert len(received) == 1 and b'"muted": true' in received[0]


def test_malformed_payload_never_reaches_the_handler(broker: Broker) -> None:
    handled: list[events_pb2.MuteCommand] = []

    async def scenario() -> None:
        bus = Bus(MqttSettings(port=broker.port), "test", broker.identity("policy"))

        async def handler(_topic: str, message: events_pb2.MuteCommand) -> None:
            handled.append(message)

        bus.subscribe(
            "hearth/v1/policy/+/mute/set", events_pb2.MuteCommand, handler, "mute_command"
        )
        await bus.connect()
        assert await bus.wait_connected(timeouts.EVENT_S)
        await asyncio.sleep(0.3)
        publisher = broker.client("hearth")
        publisher.connect("127.0.0.1", broker.port)
        publisher.loop_start()
        for payload in (b"{oops", b'{"muted": "yes"}', b'{"muted": true}'):
            publisher.publish("hearth/v1/policy/kitchen/mute/set", payload, qos=1).wait_for_publish(
                timeouts.RPC_S
            )
        assert await _until(lambda: len(handled) >= 1, timeouts.EVENT_S)
        await asyncio.sleep(0.3)
        publisher.disconnect()
        publisher.loop_stop()
        await bus.disconnect()

    asyncio.run(scenario())
    assert handled == [events_pb2.MuteCommand(muted=True)]


def test_a_persistent_session_gets_a_message_again_until_its_handler_succeeds(
    broker: Broker,
) -> None:
    """With a persistent session a message is acknowledged only once its handler ran without an
    exception: one the service could not act on (policy could not store a mute) comes back when
    the service reconnects, and one it handled does not."""
    handled: list[bool] = []

    async def handler(_topic: str, message: events_pb2.MuteCommand) -> None:
        handled.append(message.muted)
        if len(handled) == 1:
            raise RuntimeError("could not store it this time")

    def persistent_bus() -> Bus:
        bus = Bus(
            MqttSettings(port=broker.port, reconnect_max_s=1.0),
            "policy",
            broker.identity("policy"),
            client_id="hearth-policy-test",
            session_expiry_s=600,
        )
        bus.subscribe(
            "hearth/v1/policy/+/mute/set", events_pb2.MuteCommand, handler, "mute_command"
        )
        return bus

    async def scenario() -> None:
        bus = persistent_bus()
        await bus.connect()
        assert await bus.wait_connected(timeouts.EVENT_S)
        await asyncio.sleep(0.3)
        publisher = broker.client("hearth")
        publisher.connect("127.0.0.1", broker.port)
        publisher.loop_start()
        command = b'{"muted": true}'
        publisher.publish("hearth/v1/policy/kitchen/mute/set", command, qos=1).wait_for_publish(
            timeouts.RPC_S
        )
        publisher.disconnect()
        publisher.loop_stop()
        assert await _until(lambda: len(handled) == 1, timeouts.EVENT_S)
        await bus.disconnect()
        for attempt in (2, 3):
            bus = persistent_bus()
            await bus.connect()
            assert await bus.wait_connected(timeouts.EVENT_S)
            await asyncio.sleep(1.0)
            await bus.disconnect()
            assert len(handled) == 2, f"after reconnect {attempt - 1}: {handled}"

    asyncio.run(scenario())
    assert handled == [True, True]
