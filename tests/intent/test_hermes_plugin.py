"""The hermes plugin: Hearth's results as Hermes messages, checked field by field against the Hermes
protocol as Rhasspy 2.5 speaks it, and published through a real Mosquitto secured as `hearth up`
secures it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hearth import topics
from hearth.plugins import IntentContext, Response, Slot
from hearth_intent.plugins.hermes import HermesPlugin
from hearth_intent.plugins.hermes.payloads import intent_topic
from hearth_intent.plugins.hermes.result import IntentResult
from tests import timeouts
from tests.intent.plugin_host import RecordingHost, plugin_manager
from tests.support import Broker

TURN_ON = IntentResult(
    intent="HassLightSet",
    slots={
        "area": Slot("area", "Living Room", "living room"),
        "brightness": Slot("brightness", 50, "fifty"),
    },
    text="set the living room lights to fifty percent",
    site="living_room",
    session_id="5f0c2a",
    language="en",
    speech="Brightness set",
)
NOT_UNDERSTOOD = IntentResult(
    intent=None, text="sing me a song", site="kitchen", session_id="77aa", language="en"
)


def observe(manager: Any, result: IntentResult) -> list[Any]:
    """Tell the plugin about one decision through the SDK's observer hooks, as the host does."""
    if result.intent is None:
        return list(
            manager.hook.hearth_intent_not_recognized(
                text=result.text, site=result.site, session_id=result.session_id
            )
        )
    context = IntentContext(
        intent=result.intent,
        slots=result.slots,
        text=result.text,
        site=result.site,
        session_id=result.session_id,
        language=result.language,
        now=datetime.now().astimezone(),
        privacy=NO_PRIVACY,
        publish=_no_events,
    )
    response = Response(speech=result.speech)
    return list(manager.hook.hearth_intent_recognized(context=context, response=response))


async def _no_events(name: str, data: Any) -> None:
    raise AssertionError("the hermes plugin publishes no Hearth events")


NO_PRIVACY: Any = object()
"""The hermes plugin never asks for a privacy operation."""


def published(results: list[IntentResult], host: RecordingHost) -> list[tuple[str, Any]]:
    plugin = HermesPlugin()
    manager = plugin_manager(plugin, "hermes")

    async def main() -> None:
        for started in manager.hook.hearth_start(host=host):
            await started
        for result in results:
            for done in observe(manager, result):
                await done

    asyncio.run(main())
    return host.raw


def test_a_recognised_intent_is_an_nlu_intent_message(tmp_path: Path) -> None:
    """The shape of hermes/intent/<intentName> is rhasspy-hermes' NluIntent
    (github.com/rhasspy/rhasspy-hermes, rhasspyhermes/nlu.py, class NluIntent; its Intent, Slot and
    SlotRange in rhasspyhermes/intent.py), as listed in Rhasspy's docs/reference.md ("MQTT API",
    Natural Language Understanding): input, intent {intentName, confidenceScore}, siteId,
    sessionId, slots [{entity, slotName, rawValue, value {kind, value}, confidence,
    range {start, end}}], and the optional id, customData, asrTokens, asrConfidence, rawInput,
    wakewordId, lang. Value kinds are Snips' ("Custom", "Number"; snipsco/hermes-protocol)."""
    [(topic, payload)] = published([TURN_ON], RecordingHost("hermes", {}, tmp_path))
    assert topic == "hermes/intent/HassLightSet"
    assert payload["input"] == "set the living room lights to fifty percent"
    assert payload["intent"] == {"intentName": "HassLightSet", "confidenceScore": 1.0}
    assert payload["siteId"] == "living_room"
    assert payload["sessionId"] == "5f0c2a"
    area, brightness = payload["slots"]
    assert area == {
        "entity": "area",
        "slotName": "area",
        "rawValue": "living room",
        "value": {"kind": "Custom", "value": "Living Room"},
        "confidence": 1.0,
        "range": {"start": 8, "end": 19},
    }
    assert payload["input"][8:19] == "living room"
    assert brightness == {
        "entity": "brightness",
        "slotName": "brightness",
        "rawValue": "fifty",
        "value": {"kind": "Number", "value": 50},
        "confidence": 1.0,
        "range": {"start": 30, "end": 35},
    }
    assert payload["customData"] is None and payload["id"] is None
    assert payload["rawInput"] == payload["input"]
    assert payload["lang"] == "en"
    assert set(payload) == {
        "input", "intent", "siteId", "sessionId", "slots", "id", "customData",
        "asrTokens", "asrConfidence", "rawInput", "wakewordId", "lang",
    }  # fmt: skip


def test_a_sentence_not_understood_is_an_intent_not_recognized_message(tmp_path: Path) -> None:
    """hermes/nlu/intentNotRecognized is rhasspy-hermes' NluIntentNotRecognized
    (rhasspyhermes/nlu.py): input, siteId, sessionId, and the optional id and customData."""
    [(topic, payload)] = published([NOT_UNDERSTOOD], RecordingHost("hermes", {}, tmp_path))
    assert topic == "hermes/nlu/intentNotRecognized"
    assert payload == {
        "input": "sing me a song",
        "siteId": "kitchen",
        "sessionId": "77aa",
        "id": None,
        "customData": None,
    }


def test_a_text_query_without_a_site_is_from_the_default_site(tmp_path: Path) -> None:
    query = IntentResult(intent="HassTurnOn", text="turn on the fan", language="en")
    [(_, payload)] = published([query], RecordingHost("hermes", {}, tmp_path))
    assert payload["siteId"] == "default" and payload["sessionId"] == ""
    assert payload["slots"] == []


def test_every_topic_it_writes_is_one_the_broker_lets_intent_write() -> None:
    for topic in (intent_topic("HassTurnOn"), "hermes/nlu/intentNotRecognized"):
        assert topics.foreign_topic(topic, "intent") is not None, topic
    assert topics.foreign_topic("hermes/intent/HassTurnOn", "stt") is None
    assert topics.foreign_topic("hermes/tts/say", "intent") is None
    assert topics.foreign_topic("hermes/intent/a/b", "intent") is None


@pytest.mark.parametrize("name", ["Light/On", "Hass+On", "All#", ""])
def test_an_intent_name_that_is_not_one_topic_level_is_not_published(
    tmp_path: Path, name: str
) -> None:
    assert (
        published([IntentResult(intent=name, text="x")], RecordingHost("hermes", {}, tmp_path))
        == []
    )


def test_it_needs_a_host_that_can_publish_outside_hearth_v1(tmp_path: Path) -> None:
    class OldHost(RecordingHost):
        publish_external = None  # type: ignore[assignment]

    with pytest.raises(RuntimeError, match="publish_external"):
        published([TURN_ON], OldHost("hermes", {}, tmp_path))
    with pytest.raises(ValueError, match="has no settings, got site"):
        published([TURN_ON], RecordingHost("hermes", {"site": "x"}, tmp_path))


class BrokerHost(RecordingHost):
    """publish_external through the real broker, logged in as the intent service."""

    def __init__(self, broker: Broker, tmp_path: Path) -> None:
        super().__init__("hermes", {}, tmp_path)
        self.client = broker.client("intent")
        connected = threading.Event()
        self.client.on_connect = lambda *_: connected.set()
        self.client.connect("127.0.0.1", broker.port)
        self.client.loop_start()
        assert connected.wait(timeouts.EVENT_S)

    async def publish_external(self, topic: str, payload: Any) -> None:
        await super().publish_external(topic, payload)
        info = self.client.publish(topic, json.dumps(payload).encode(), qos=1)
        await asyncio.to_thread(info.wait_for_publish, timeouts.EVENT_S)


def test_the_messages_reach_an_owner_subscribed_to_hermes_through_mosquitto(
    broker: Broker, tmp_path: Path
) -> None:
    received: list[tuple[str, Any]] = []
    owner = broker.client("hearth")
    subscribed = threading.Event()
    owner.on_connect = lambda client, *_: client.subscribe("hermes/#", qos=1)
    owner.on_subscribe = lambda *_: subscribed.set()
    owner.on_message = lambda _c, _u, m: received.append((m.topic, json.loads(m.payload)))
    owner.connect("127.0.0.1", broker.port)
    owner.loop_start()
    host = BrokerHost(broker, tmp_path)
    try:
        assert subscribed.wait(timeouts.EVENT_S)
        sent = published([TURN_ON, NOT_UNDERSTOOD], host)
        deadline = time.monotonic() + timeouts.EVENT_S
        while len(received) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert received == sent
        assert [topic for topic, _ in received] == [
            "hermes/intent/HassLightSet",
            "hermes/nlu/intentNotRecognized",
        ]
    finally:
        for client in (owner, host.client):
            client.disconnect()
            client.loop_stop()


@pytest.mark.parametrize("plugin", ["homeassistant", "hermes"])
def test_a_bridge_plugin_imports_only_the_sdk_and_itself(plugin: str) -> None:
    """Built-in plugins go through the public SDK like third-party ones: `hearth.plugins`, and
    their own package (the service's layering rule for plugin packages, checked here too)."""
    from tests.support import REPO
    from tests.test_layering import first_party, imports

    own = f"hearth_intent.plugins.{plugin}"
    directory = REPO / "services" / "intent" / "hearth_intent" / "plugins" / plugin
    wrong = [
        f"{path.name}:{line} imports {module}"
        for path, line, module in imports(directory)
        if first_party(module) and not module.startswith(("hearth.plugins", own))
    ]
    assert not wrong, "\n".join(wrong)


def test_the_entry_points_name_the_bridge_plugins() -> None:
    from importlib.metadata import entry_points

    from hearth.plugins import PLUGIN_GROUP
    from hearth_intent.plugins.homeassistant import HomeAssistantPlugin

    found = {ep.name: ep for ep in entry_points(group=PLUGIN_GROUP)}
    assert isinstance(found["homeassistant"].load(), HomeAssistantPlugin)
    assert isinstance(found["hermes"].load(), HermesPlugin)
