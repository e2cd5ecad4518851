"""The Home Assistant plugin: Home Assistant's areas and entity names become Hearth's `area` and
`name` slot lists, and the Home Assistant intents Hearth recognises are forwarded to Home
Assistant, whose answer Hearth speaks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from hearth.plugins import Handler, IntentContext, PluginHost, Response, hookimpl
from hearth_intent.plugins.homeassistant.answers import error_code, spoken_answer
from hearth_intent.plugins.homeassistant.client import (
    AREA_NAMES_TEMPLATE,
    HomeAssistantClient,
    HomeAssistantError,
)
from hearth_intent.plugins.homeassistant.home import HomeSnapshot, area_names, entity_names
from hearth_intent.plugins.homeassistant.settings import (
    DEFAULT_INTENTS,
    HomeAssistantSettings,
    parse_settings,
    read_token,
)

NOT_STARTED = "Sorry, the Home Assistant connection is not set up."
RETRY_S = 60.0
"""After a failed load, the next try comes this soon (or at the refresh interval if sooner)."""


class HomeAssistantPlugin:
    def __init__(self) -> None:
        self.log = logging.getLogger("hearth.plugins.homeassistant")
        self.host: PluginHost | None = None
        self.settings: HomeAssistantSettings | None = None
        self.client: HomeAssistantClient | None = None
        self.snapshot: HomeSnapshot | None = None
        """The last areas and names loaded; None until a load succeeded."""
        self._served: HomeSnapshot | None = None
        self._asked = False
        self._stopped = False
        self._conversations: dict[str, str] = {}
        """Site → the conversation Home Assistant is waiting to continue there."""

    @hookimpl
    async def hearth_start(self, host: PluginHost) -> None:
        self.host, self.log = host, host.log
        settings = parse_settings(host.settings)
        self.client = HomeAssistantClient(
            settings.url, read_token(settings.token_file), settings.timeout_s, settings.ca_file
        )
        self.settings = settings
        loaded = await self.reload()
        if settings.refresh_interval_s:
            host.spawn(self._reload_forever(loaded), "homeassistant-refresh")

    @hookimpl
    async def hearth_stop(self) -> None:
        self._stopped = True

    @hookimpl
    def hearth_slot_lists(
        self, language: str
    ) -> Mapping[str, Sequence[str | tuple[str, str]]] | None:
        # Home Assistant's names are the same in every language.
        self._asked = True
        self._served = self.snapshot
        return self.snapshot.slot_lists() if self.snapshot is not None else None

    @hookimpl
    def hearth_handlers(self) -> Mapping[str, Handler]:
        intents = self.settings.intents if self.settings is not None else DEFAULT_INTENTS
        return {intent: self.forward for intent in intents}

    async def forward(self, context: IntentContext) -> Response:
        """Send the command to Home Assistant and say its answer, or say why it failed."""
        if self.client is None or self.settings is None:
            return Response(speech=NOT_STARTED, data={"error": "not_started"})
        continues = False
        try:
            if self.settings.api == "conversation":
                answer, continues = await self._converse(context)
            else:
                answer = await self.client.handle_intent(context.intent, slot_data(context))
        except HomeAssistantError as exc:
            self.log.warning("Home Assistant did not handle %s: %s", context.intent, exc)
            return Response(speech=exc.spoken, data={"error": type(exc).__name__})
        code = error_code(answer)
        if code is not None:
            self.log.warning("Home Assistant could not handle %s: error %s", context.intent, code)
        data: dict[str, Any] = {"response_type": str(answer.get("response_type", ""))}
        if code is not None:
            data["error_code"] = code
        return Response(speech=spoken_answer(answer), data=data, continue_conversation=continues)

    async def _converse(self, context: IntentContext) -> tuple[dict[str, Any], bool]:
        """The conversation API; when Home Assistant asks something back, the site's next
        command continues that conversation (and Hearth listens without the wake word)."""
        assert self.client is not None
        ongoing = self._conversations.pop(context.site, None)
        conversation = await self.client.process(context.text, context.language, ongoing)
        if conversation.continues and conversation.conversation_id:
            self._conversations[context.site] = conversation.conversation_id
        return conversation.response, conversation.continues

    async def reload(self) -> bool:
        """Load areas and entity names; when the host already built its matcher with other ones,
        ask it to rebuild. False when Home Assistant could not be read (the last lists stay)."""
        loaded = await self._load()
        if loaded and self._asked and self.snapshot != self._served and self.host is not None:
            await self.host.refresh_sentences()
        return loaded

    async def _load(self) -> bool:
        assert self.client is not None and self.settings is not None
        try:
            states = await self.client.states()
        except HomeAssistantError as exc:
            self.log.warning("cannot load entity names from Home Assistant: %s", exc)
            return False
        names = entity_names(states, self.settings.domains)
        try:
            areas = area_names(await self.client.render_template(AREA_NAMES_TEMPLATE))
        except (HomeAssistantError, ValueError) as exc:
            # The template API is for administrators: a plain user's token gets names only.
            self.log.warning(
                "cannot load area names from Home Assistant (%s); they need an administrator's "
                "token",
                exc,
            )
            areas = self.snapshot.areas if self.snapshot is not None else ()
        self.snapshot = HomeSnapshot(areas=areas, names=names)
        self.log.info("Home Assistant: %d areas, %d entity names", len(areas), len(names))
        return True

    async def _reload_forever(self, loaded: bool) -> None:
        assert self.settings is not None
        interval = self.settings.refresh_interval_s
        while not self._stopped:
            await asyncio.sleep(interval if loaded else min(interval, RETRY_S))
            if not self._stopped:
                loaded = await self.reload()


def slot_data(context: IntentContext) -> dict[str, Any]:
    """The intent API's `data`: each slot's resolved value, JSON-ready."""
    return {name: _json_ready(slot.value) for name, slot in context.slots.items()}


def _json_ready(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_json_ready(item) for item in value]
    return str(value)
