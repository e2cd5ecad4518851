"""Plugins whose handler raises, hangs, returns garbage, and one that publishes an event."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from hearth.plugins import Handler, IntentContext, PluginHost, Response, hookimpl


class OneIntent:
    """A plugin with one intent, said as "<words>", answered by `handler`."""

    def __init__(
        self, intent: str, words: str, handler: Callable[[IntentContext], Awaitable[Any]]
    ) -> None:
        self.intent = intent
        self.words = words
        self.handler = handler
        self.host: PluginHost | None = None

    @hookimpl
    def hearth_sentences(self, language: str) -> str | None:
        return f'intents:\n  {self.intent}:\n    data:\n      - sentences: ["{self.words}"]\n'

    @hookimpl
    def hearth_handlers(self) -> Mapping[str, Handler]:
        return {self.intent: self.handler}


async def raise_error(context: IntentContext) -> Response:
    raise ValueError(f"the user said {context.text}")


async def hang(context: IntentContext) -> Response:
    await asyncio.sleep(3600)
    return Response("too late")


async def return_garbage(context: IntentContext) -> Any:
    return {"speech": "not a Response"}


async def publish_event(context: IntentContext) -> Response:
    await context.publish("announced", {"count": 1, "word": "hello"})
    return Response("Announced.")


RAISING = OneIntent("TestRaise", "make the plugin raise", raise_error)
HANGING = OneIntent("TestHang", "make the plugin hang", hang)
GARBAGE = OneIntent("TestGarbage", "make the plugin return garbage", return_garbage)
EVENTFUL = OneIntent("TestAnnounce", "announce the test event", publish_event)
