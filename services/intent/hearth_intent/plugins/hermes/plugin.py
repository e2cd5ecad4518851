"""The Hermes plugin: every intent Hearth recognises is published on hermes/intent/<intentName>,
and every sentence it did not understand on hermes/nlu/intentNotRecognized, as Rhasspy did, so
automations and Node-RED flows written for Rhasspy keep working."""

from __future__ import annotations

import logging

from hearth.plugins import IntentContext, PluginHost, Response, hookimpl
from hearth_intent.plugins.hermes.payloads import (
    NOT_RECOGNIZED_TOPIC,
    intent_payload,
    intent_topic,
    not_recognized_payload,
)
from hearth_intent.plugins.hermes.result import IntentResult


class HermesPlugin:
    def __init__(self) -> None:
        self.log = logging.getLogger("hearth.plugins.hermes")
        self.host: PluginHost | None = None

    @hookimpl
    async def hearth_start(self, host: PluginHost) -> None:
        self.log = host.log
        if host.settings:
            raise ValueError(
                "intent.plugin_settings.hermes: the hermes plugin has no settings, got "
                + ", ".join(sorted(host.settings))
            )
        if not callable(getattr(host, "publish_external", None)):
            raise RuntimeError(
                "this intent service cannot publish outside hearth/v1 (no host.publish_external); "
                "the hermes plugin needs it"
            )
        self.host = host

    @hookimpl
    async def hearth_stop(self) -> None:
        self.host = None

    @hookimpl
    async def hearth_intent_recognized(
        self, context: IntentContext, response: Response | None
    ) -> None:
        await self.mirror(
            IntentResult(
                intent=context.intent,
                slots=context.slots,
                text=context.text,
                site=context.site,
                session_id=context.session_id,
                language=context.language,
                speech=response.speech if response is not None else "",
            )
        )

    @hookimpl
    async def hearth_intent_not_recognized(self, text: str, site: str, session_id: str) -> None:
        await self.mirror(IntentResult(intent=None, text=text, site=site, session_id=session_id))

    async def mirror(self, result: IntentResult) -> None:
        """Publish one decision in Hermes' shape."""
        if self.host is None:
            return
        if result.intent is None:
            await self.host.publish_external(NOT_RECOGNIZED_TOPIC, not_recognized_payload(result))
            return
        try:
            topic = intent_topic(result.intent)
        except ValueError as exc:
            self.log.warning("not published on Hermes: %s", exc)
            return
        await self.host.publish_external(topic, intent_payload(result))
