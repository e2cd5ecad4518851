"""The MQTT bus: paho-mqtt 2.x (MQTT v5, QoS 1) bridged into asyncio.

paho runs its own network thread and reconnects with backoff by itself; QoS 1 messages
published while the broker is away stay queued in the client and go out after the
reconnect, so an accepted command is not lost to a broker restart. Incoming messages
are size-checked and decoded here, so handlers only ever see valid messages, and a bad
payload becomes one log line and one metric, never a crash.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import paho.mqtt.client as mqtt
from google.protobuf.message import Message
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from hearth import events, metrics
from hearth.identity import Identity
from hearth.settings import MqttSettings
from hearth.topics import EventKind

log = logging.getLogger(__name__)

Handler = Callable[[str, Any], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    topic_filter: str
    message_type: type[Message]
    handler: Handler
    kind: str
    """The `kind` label of the message counters."""

    @classmethod
    def to(cls, event: EventKind[Message], handler: Handler, kind: str) -> Subscription:
        """Every site's events of one kind from the catalogue (its filter and message type)."""
        return cls(event.filter, event.message_type, handler, kind)


@dataclass(frozen=True)
class LastWill:
    topic: str
    message: Message


class Bus:
    """One broker connection per service. Subscriptions survive reconnects; handlers run on the
    event loop."""

    def __init__(
        self,
        settings: MqttSettings,
        service: str,
        identity: Identity | None,
        client_id: str | None = None,
        session_expiry_s: int = 0,
    ) -> None:
        """session_expiry_s > 0 keeps a persistent session (give a stable client_id): the broker
        holds QoS 1 messages of its subscriptions while this service is away, for that long, and
        a message is acknowledged only once its handlers have run without an exception, so one
        the service did not act on is delivered again after the next reconnect."""
        self._settings = settings
        self._session_expiry_s = session_expiry_s
        self._service = service
        self._client_id = client_id or f"hearth-{service}-{uuid.uuid4().hex[:8]}"
        self._subscriptions: list[Subscription] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connected = threading.Event()
        self._closing = False
        self._on_connect_hooks: list[Callable[[], Awaitable[None]]] = []
        self._on_disconnect_hooks: list[Callable[[], Awaitable[None]]] = []
        self._client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=self._client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=session_expiry_s > 0,
        )
        self._client.max_queued_messages_set(10_000)
        self._client.reconnect_delay_set(
            min_delay=1, max_delay=max(1, int(settings.reconnect_max_s))
        )
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_message = self._on_message
        self._identity = identity
        self._logged_in_as: str | None = None

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def _configure_auth(self, identity: Identity | None) -> None:
        """Log in as `identity` over TLS, verifying the broker against the home's CA. Without one
        the client is anonymous and in plaintext, which Hearth's broker refuses: only tests of
        the bus's own mechanics use that, against a plain broker."""
        if identity is None or self._logged_in_as is not None:
            return  # anonymous, or configured by an earlier connect
        self._logged_in_as = identity.name
        password = identity.mqtt_password_file.read_text().strip()
        self._client.username_pw_set(identity.name, password)
        self._client.tls_set(ca_certs=str(identity.ca_file), tls_version=ssl.PROTOCOL_TLS_CLIENT)

    def set_last_will(self, will: LastWill) -> None:
        """Must be set before connect: the broker publishes it (retained) if this service dies."""
        self._client.will_set(will.topic, events.encode(will.message), qos=1, retain=True)

    def on_connected(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run hook on the loop after every (re)connect, e.g. to republish retained state."""
        self._on_connect_hooks.append(hook)

    def on_disconnected(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Run hook on the loop when the connection is lost, e.g. to stop what needs the broker."""
        self._on_disconnect_hooks.append(hook)

    def subscribe(
        self, topic_filter: str, message_type: type[Message], handler: Handler, kind: str
    ) -> None:
        """Register before or after connect; the subscription is renewed on every reconnect."""
        self.add(Subscription(topic_filter, message_type, handler, kind))

    def add(self, sub: Subscription) -> None:
        self._subscriptions.append(sub)
        if self.connected:
            self._client.subscribe(sub.topic_filter, qos=1)

    async def connect(self) -> None:
        """Start connecting in the background; returns at once (the network thread keeps
        retrying)."""
        self._loop = asyncio.get_running_loop()
        self._configure_auth(self._identity)
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = self._session_expiry_s
        self._client.connect_async(
            self._settings.host,
            self._settings.port,
            keepalive=self._settings.keepalive_s,
            clean_start=self._session_expiry_s == 0,
            properties=props,
        )
        self._client.loop_start()

    async def wait_connected(self, timeout_s: float) -> bool:
        return await asyncio.to_thread(self._connected.wait, timeout_s)

    def publish(
        self, topic: str, message: Message, *, retain: bool = False, kind: str | None = None
    ) -> None:
        """QoS 1; safe from any thread. While disconnected the message is queued and sent after
        reconnect."""
        self._queue(topic, message, retain, kind)

    async def publish_acknowledged(self, topic: str, message: Message, timeout_s: float) -> bool:
        """Publish (QoS 1) and wait until the broker has it: for a short-lived client (a CLI
        command) that may disconnect right after. False when it was not taken within
        timeout_s."""
        info = self._queue(topic, message, False, None)
        if info is None:
            return False
        await asyncio.to_thread(_wait_published, info, timeout_s)
        return info.is_published()

    def _queue(
        self, topic: str, message: Message, retain: bool, kind: str | None
    ) -> mqtt.MQTTMessageInfo | None:
        payload = events.encode(message)
        if len(payload) > self._settings.max_payload_bytes:
            metrics.ERRORS.labels(self._service, "publish_oversized").inc()
            log.error(
                "not publishing %d bytes on %s: over the %d-byte limit",
                len(payload),
                topic,
                self._settings.max_payload_bytes,
            )
            return None
        info = self._client.publish(topic, payload, qos=1, retain=retain)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            metrics.ERRORS.labels(self._service, "publish_failed").inc()
            log.error("could not queue message for %s: %s", topic, mqtt.error_string(info.rc))
            return None
        metrics.MESSAGES_OUT.labels(self._service, kind or message.DESCRIPTOR.name).inc()
        return info

    async def disconnect(self, final: LastWill | None = None, timeout_s: float = 2.0) -> None:
        """Publish a final retained message (e.g. offline status), then leave cleanly."""
        if final is not None and self.connected:
            info = self._client.publish(
                final.topic, events.encode(final.message), qos=1, retain=True
            )
            await asyncio.to_thread(_wait_published, info, timeout_s)
        self._closing = True
        self._client.disconnect()
        self._client.loop_stop()
        self._connected.clear()
        metrics.BUS_CONNECTED.labels(self._service).set(0)

    # paho callbacks: they run on paho's network thread.

    def _on_connect(
        self, client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        if reason.is_failure:
            log.error(
                "broker %s:%s refused the connection: %s",
                self._settings.host,
                self._settings.port,
                reason,
            )
            metrics.ERRORS.labels(self._service, "broker_refused").inc()
            return
        log.info("connected to broker %s:%s", self._settings.host, self._settings.port)
        for sub in self._subscriptions:
            client.subscribe(sub.topic_filter, qos=1)
        self._connected.set()
        metrics.BUS_CONNECTED.labels(self._service).set(1)
        for hook in self._on_connect_hooks:
            self._run_on_loop(self._guarded_hook(hook))

    def _on_disconnect(
        self, _client: mqtt.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        was_connected = self._connected.is_set()
        self._connected.clear()
        metrics.BUS_CONNECTED.labels(self._service).set(0)
        if was_connected and not self._closing:
            log.warning("lost the broker (%s); reconnecting with backoff", reason)
            metrics.ERRORS.labels(self._service, "broker_disconnected").inc()
            for hook in self._on_disconnect_hooks:
                self._run_on_loop(self._guarded_hook(hook))

    def _on_message(self, _client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        handlers = [
            handler
            for sub in self._subscriptions
            if mqtt.topic_matches_sub(sub.topic_filter, msg.topic)
            and (handler := self._dispatch(sub, msg.topic, bytes(msg.payload), msg.retain))
        ]
        if self._session_expiry_s:
            self._run_on_loop(self._acknowledge_after(handlers, msg.mid, msg.qos))
        else:
            for handler in handlers:
                self._run_on_loop(handler)

    async def _acknowledge_after(self, handlers: list[Awaitable[bool]], mid: int, qos: int) -> None:
        """The broker forgets the message only once every handler has acted on it."""
        if all(await asyncio.gather(*handlers)) and qos > 0:
            self._client.ack(mid, qos)

    def _dispatch(
        self, sub: Subscription, topic: str, payload: bytes, retained: bool
    ) -> Awaitable[bool] | None:
        """The handler's run for a valid message; None for one that is refused."""
        if retained and not payload:
            return None  # a cleared retained message, not an event
        if len(payload) > self._settings.max_payload_bytes:
            self._reject(
                sub,
                topic,
                "oversized",
                f"{len(payload)} bytes exceeds the {self._settings.max_payload_bytes}-byte limit",
            )
            return None
        try:
            message = events.decode(payload, sub.message_type)
        except events.MalformedPayload as exc:
            self._reject(sub, topic, "malformed", str(exc))
            return None
        metrics.MESSAGES_IN.labels(self._service, sub.kind).inc()
        return self._guarded(sub, topic, message)

    def _reject(self, sub: Subscription, topic: str, reason: str, detail: str) -> None:
        log.warning("rejected %s message on %s: %s", _ARTICLE.get(reason, reason), topic, detail)
        metrics.MESSAGES_REJECTED.labels(self._service, sub.kind, reason).inc()

    async def _guarded(self, sub: Subscription, topic: str, message: Message) -> bool:
        """Whether the handler ran without an exception."""
        try:
            await sub.handler(topic, message)
        except Exception:
            log.exception("handler for %s failed", topic)
            metrics.ERRORS.labels(self._service, f"handler_{sub.kind}").inc()
            return False
        return True

    async def _guarded_hook(self, hook: Callable[[], Awaitable[None]]) -> None:
        try:
            await hook()
        except Exception:
            log.exception("after connecting to or losing the broker")
            metrics.ERRORS.labels(self._service, "bus_hook").inc()

    def _run_on_loop(self, coro: Awaitable[object]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            coro.close()  # type: ignore[attr-defined]
            return
        asyncio.run_coroutine_threadsafe(coro, loop)  # type: ignore[arg-type]


_ARTICLE = {"malformed": "a malformed", "oversized": "an oversized"}


def _wait_published(info: mqtt.MQTTMessageInfo, timeout_s: float) -> None:
    try:
        info.wait_for_publish(timeout_s)
    except (RuntimeError, ValueError):
        pass
