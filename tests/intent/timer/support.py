"""A small real PluginHost (a temp dir, a list of published events), a clock the test moves, and
sentences understood through hassil over the plugin's own sentences, for the timer plugin's
tests."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents, TextSlotList, recognize_best

from hearth.plugins import IntentContext, Response, Slot
from hearth_intent.plugins.timer import TimerPlugin


class FakeClock:
    """Wall-clock seconds that move only when the test says so."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class RecordingHost:
    """What the intent service offers a plugin, recording what the plugin does with it."""

    directory: Path
    settings: Mapping[str, Any] = field(default_factory=dict)
    name: str = "timer"
    language: str = "en"
    sites: tuple[str, ...] = ("kitchen", "office")
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("tests.timer"))
    published: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    said: list[tuple[str, str, str, bool, str]] = field(default_factory=list)
    """(say_id, site, text, chime, purpose) of every say request."""
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    refreshes: int = 0

    def data_dir(self) -> Path:
        path = self.directory / "plugins" / self.name
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path

    async def publish(self, site: str, name: str, data: Mapping[str, Any]) -> None:
        self.published.append((site, name, dict(data)))

    async def say(
        self, site: str, text: str, *, chime: bool = False, purpose: str = "announcement"
    ) -> str:
        say_id = f"say-{len(self.said) + 1}"
        self.said.append((say_id, site, text, chime, purpose))
        return say_id

    def spawn(self, work: Awaitable[None], name: str) -> None:
        self.tasks.append(asyncio.ensure_future(work))

    async def refresh_sentences(self) -> None:
        self.refreshes += 1

    async def wait_published(self, count: int, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.published) < count:
                await asyncio.sleep(0.02)

    async def wait_said(self, count: int, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while len(self.said) < count:
                await asyncio.sleep(0.02)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for task in self.tasks:
            if not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]


class NoPrivacy:
    """The timer plugin never touches privacy operations."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the timer plugin used privacy.{name}")


def understand(plugin: TimerPlugin, text: str, site: str = "kitchen") -> IntentContext:
    """The context a host would hand the handler for `text` said at `site`, matched by hassil
    over the plugin's sentences and slot lists."""
    intents = Intents.from_dict(yaml.safe_load(plugin.hearth_sentences("en") or ""))
    for list_name, values in (plugin.hearth_slot_lists("en") or {}).items():
        intents.slot_lists[list_name] = TextSlotList.from_strings(
            [str(value) for value in values], name=list_name
        )
    result = recognize_best(text, intents, language="en")
    assert result is not None, f"not understood: {text!r}"
    slots = {
        name: Slot(name=name, value=entity.value, text=entity.text)
        for name, entity in result.entities.items()
    }

    async def publish(name: str, data: Mapping[str, Any]) -> None:
        raise AssertionError("handlers do not publish; the ringer does")

    return IntentContext(
        intent=result.intent.name,
        slots=slots,
        text=text,
        site=site,
        session_id="session-1",
        language="en",
        now=datetime(2027, 1, 15, 12, 0),
        privacy=NoPrivacy(),
        publish=publish,
    )


async def say(plugin: TimerPlugin, text: str, site: str = "kitchen") -> Response:
    """Understand `text` and run the handler the plugin gives for its intent."""
    context = understand(plugin, text, site)
    handler = plugin.hearth_handlers()[context.intent]
    return await handler(context)
