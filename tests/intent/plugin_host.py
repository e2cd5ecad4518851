"""A small, real PluginHost for calling a plugin's hooks through pluggy in a test, before the intent
service's own host exists: it keeps what the plugin publishes, spawns and asks for."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy

from hearth import topics
from hearth.plugins import PROJECT, hookspecs


def plugin_manager(plugin: object, name: str) -> pluggy.PluginManager:
    """A plugin manager with the SDK's hook specifications, holding
    `plugin`: pluggy checks the plugin's hook signatures against the specifications."""
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(plugin, name=name)
    manager.check_pending()
    return manager


@dataclass
class RecordingHost:
    name: str
    settings: Mapping[str, Any]
    directory: Path
    language: str = "en"
    sites: tuple[str, ...] = ("kitchen",)
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("test.plugin"))
    events: list[tuple[str, str, Mapping[str, Any]]] = field(default_factory=list)
    raw: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    spawned: list[tuple[str, asyncio.Task[None]]] = field(default_factory=list)
    said: list[tuple[str, str]] = field(default_factory=list)
    refreshes: int = 0

    def data_dir(self) -> Path:
        path = self.directory / "plugins" / self.name
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        return path

    async def publish(self, site: str, name: str, data: Mapping[str, Any]) -> None:
        self.events.append((site, name, data))

    async def publish_external(self, topic: str, payload: Mapping[str, Any]) -> None:
        """As the service's host does it: only the topics intent may write outside hearth/v1,
        and the payload must survive JSON."""
        if topics.foreign_topic(topic, "intent") is None:
            raise ValueError(f"intent may not publish on {topic}")
        self.raw.append((topic, json.loads(json.dumps(payload))))

    async def say(
        self, site: str, text: str, *, chime: bool = False, purpose: str = "announcement"
    ) -> str:
        self.said.append((site, text))
        return f"say-{len(self.said)}"

    def spawn(self, work: Awaitable[None], name: str) -> None:
        self.spawned.append((name, asyncio.ensure_future(work)))

    async def refresh_sentences(self) -> None:
        self.refreshes += 1

    async def stop_spawned(self) -> None:
        for _, task in self.spawned:
            task.cancel()
        await asyncio.gather(*(task for _, task in self.spawned), return_exceptions=True)
