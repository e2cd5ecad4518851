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


class Observer:
    """Sees every command, as a bridge does, and publishes each recognised one outside hearth/v1."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str]] = []
        self.host: PluginHost | None = None

    @hookimpl
    async def hearth_start(self, host: PluginHost) -> None:
        self.host = host

    @hookimpl
    async def hearth_intent_recognized(
        self, context: IntentContext, response: Response | None
    ) -> None:
        self.seen.append(("recognized", context.intent, response.speech if response else ""))
        assert self.host is not None
        await self.host.publish_external(
            f"hermes/intent/{context.intent}", {"intent": {"intentName": context.intent}}
        )

    @hookimpl
    async def hearth_intent_not_recognized(self, text: str, site: str, session_id: str) -> None:
        self.seen.append(("not_recognized", site, session_id))


class Refreshing:
    """Learns a word when asked and has the matcher rebuilt; its background work fails."""

    def __init__(self) -> None:
        self.words = ["apple"]
        self.host: PluginHost | None = None

    @hookimpl
    def hearth_sentences(self, language: str) -> str | None:
        return (
            "intents:\n"
            '  TestLearn:\n    data:\n      - sentences: ["learn a new word"]\n'
            '  TestSay:\n    data:\n      - sentences: ["say {word}"]\n'
        )

    @hookimpl
    def hearth_slot_lists(self, language: str) -> Mapping[str, list[str]]:
        return {"word": list(self.words)}

    @hookimpl
    async def hearth_start(self, host: PluginHost) -> None:
        self.host = host
        host.spawn(self.fail_later(), "failing work")

    async def fail_later(self) -> None:
        await asyncio.sleep(0)
        raise RuntimeError("background work failed")

    @hookimpl
    def hearth_handlers(self) -> Mapping[str, Handler]:
        return {"TestLearn": self.learn, "TestSay": self.say}

    async def learn(self, context: IntentContext) -> Response:
        assert self.host is not None
        self.words.append("banana")
        await self.host.refresh_sentences()
        return Response("Learned banana.")

    async def say(self, context: IntentContext) -> Response:
        return Response(str(context.value("word")))


OBSERVER = Observer()
REFRESHING = Refreshing()
