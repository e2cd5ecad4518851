"""PROPOSED additions to the plugin SDK (hearth.plugins), which the Hermes plugin needs and the SDK
does not have yet. They live here, apart, until the SDK's owner moves them into
hearth/plugins/hookspecs.py and hearth/plugins/types.py and the host implements them
(docs/plugins-bridges.md, "What the host must add"). Nothing here is Hermes-specific.

1. A hook that sees every outcome of understanding: `hearth_intent_result(result)`.
2. A way to publish outside hearth/v1: `host.publish_raw(topic, payload)`, allowed only on the
   topics the broker ACL grants intent outside hearth/v1 (`hearth.topics.FOREIGN`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from hearth.plugins import PluginHost, Slot, hookspec


@dataclass(frozen=True)
class IntentResult:
    """What the intent service made of one transcript or text query, after the handler ran."""

    intent: str | None
    """The intent recognised; None when nothing matched."""
    slots: Mapping[str, Slot] = field(default_factory=dict)
    text: str = ""
    """What was said (never logged by Hearth)."""
    site: str = ""
    session_id: str = ""
    """Empty for a text query."""
    language: str = "en"
    speech: str = ""
    """What Hearth answers (the handler's speech, or the apology)."""

    @property
    def recognized(self) -> bool:
        return self.intent is not None


@hookspec
async def hearth_intent_result(result: IntentResult) -> None:
    """Called once for every transcript and text query the intent service understood or did not
    (result.intent is None), after the handler ran and its event was published: for bridges that
    mirror Hearth's decisions elsewhere (Hermes). Runs with the handler timeout; an exception is
    logged and counted (kind `intent_result`), never seen by the person speaking."""


class RawPublishingHost(PluginHost, Protocol):
    """PluginHost plus the raw publish the Hermes bridge needs."""

    async def publish_raw(self, topic: str, payload: Mapping[str, Any]) -> None:
        """Publish `payload` as JSON (QoS 1, not retained) on `topic` outside hearth/v1. Only the
        topics `hearth.topics.foreign_topic(topic, "intent")` accepts are allowed (the ones the
        broker lets intent write); any other raises ValueError before anything is sent."""
