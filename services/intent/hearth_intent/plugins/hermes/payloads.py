"""Hermes messages from Hearth's results, in the shape Rhasspy 2.5 publishes them (rhasspy-hermes'
NluIntent and NluIntentNotRecognized, a superset of Snips' Hermes protocol): JSON with camelCase
keys, on hermes/intent/<intentName> and hermes/nlu/intentNotRecognized."""

from __future__ import annotations

import re
from typing import Any

from hearth.plugins import Slot
from hearth_intent.plugins.hermes.result import IntentResult

INTENT_TOPIC = "hermes/intent/{intent}"
NOT_RECOGNIZED_TOPIC = "hermes/nlu/intentNotRecognized"
DEFAULT_SITE = "default"
"""Hermes' siteId when Hearth has no site (a text query from the CLI)."""
CONFIDENCE = 1.0
"""Hearth's matcher accepts a sentence the templates produce or rejects it: no graded score."""

_TOPIC_LEVEL = re.compile(r"^[^/+#\x00]+$")


def intent_topic(intent: str) -> str:
    """hermes/intent/<intentName>; an intent name that is not one MQTT topic level is refused."""
    if not _TOPIC_LEVEL.match(intent):
        raise ValueError(f"intent name {intent!r} cannot be an MQTT topic level")
    return INTENT_TOPIC.format(intent=intent)


def intent_payload(result: IntentResult) -> dict[str, Any]:
    """NluIntent: input, intent {intentName, confidenceScore}, slots, siteId, sessionId, ..."""
    assert result.intent is not None
    return {
        "input": result.text,
        "intent": {"intentName": result.intent, "confidenceScore": CONFIDENCE},
        "slots": [slot_payload(slot, result.text) for slot in result.slots.values()],
        "siteId": result.site or DEFAULT_SITE,
        "sessionId": result.session_id,
        "id": None,
        "customData": None,
        "asrTokens": None,
        "asrConfidence": None,
        "rawInput": result.text,
        "wakewordId": None,
        "lang": result.language,
    }


def not_recognized_payload(result: IntentResult) -> dict[str, Any]:
    """NluIntentNotRecognized: input, siteId, sessionId (id and customData empty)."""
    return {
        "input": result.text,
        "siteId": result.site or DEFAULT_SITE,
        "sessionId": result.session_id,
        "id": None,
        "customData": None,
    }


def slot_payload(slot: Slot, text: str) -> dict[str, Any]:
    """One Hermes slot: the words said (rawValue), the resolved value with its kind, and where the
    words are in the input when they can be found there."""
    entry: dict[str, Any] = {
        "entity": slot.name,
        "slotName": slot.name,
        "rawValue": slot.text,
        "value": {"kind": value_kind(slot.value), "value": slot.value},
        "confidence": CONFIDENCE,
    }
    start = text.lower().find(slot.text.lower()) if slot.text else -1
    if start >= 0:
        entry["range"] = {"start": start, "end": start + len(slot.text)}
    return entry


def value_kind(value: Any) -> str:
    """Snips' value kinds: "Number" for numbers, "Custom" for a list's value."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "Number"
    return "Custom"
