"""The Hermes plugin: every intent Hearth recognises is published on hermes/intent/<intentName>,
and every sentence it did not understand on hermes/nlu/intentNotRecognized, as Rhasspy did, so
automations and Node-RED flows written for Rhasspy keep working."""

from __future__ import annotations

import logging
from typing import cast

from hearth.plugins import PluginHost, hookimpl
from hearth_intent.plugins.hermes.payloads import (
    NOT_RECOGNIZED_TOPIC,
    intent_payload,
    intent_topic,
    not_recognized_payload,
)
from hearth_intent.plugins.hermes.proposed_sdk import IntentResult, RawPublishingHost


class HermesPlugin:
    def __init__(self) -> None:
        self.log = logging.getLogger("hearth.plugins.hermes")
        self.host: RawPublishingHost | None = None

    @hookimpl
    async def hearth_start(self, host: PluginHost) -> None:
        self.log = host.log
        if host.settings:
            raise ValueError(
                "intent.plugin_settings.hermes: the hermes plugin has no settings, got "
                + ", ".join(sorted(host.settings))
            )
        if not callable(getattr(host, "publish_raw", None)):
            raise RuntimeError(
                "this intent service cannot publish outside hearth/v1 (no host.publish_raw); "
                "the hermes plugin needs it"
            )
        self.host = cast(RawPublishingHost, host)

    @hookimpl
    async def hearth_stop(self) -> None:
        self.host = None

    @hookimpl
    async def hearth_intent_result(self, result: IntentResult) -> None:
        if self.host is None:
            return
        if result.intent is None:
            await self.host.publish_raw(NOT_RECOGNIZED_TOPIC, not_recognized_payload(result))
            return
        try:
            topic = intent_topic(result.intent)
        except ValueError as exc:
            self.log.warning("not published on Hermes: %s", exc)
            return
        await self.host.publish_raw(topic, intent_payload(result))
