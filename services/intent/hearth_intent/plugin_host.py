"""The intent service's side of the plugin SDK: starting and stopping plugins, what they are
offered (`hearth.plugins.PluginHost`), and running a handler in isolation.

Every handler call runs with the configured timeout. A handler that raises, hangs or returns
something that is not a Response gives the user a short apology, one log line (its exception's
type and place, never what was said) and a count; the service stays up.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from hearth import speech, topics
from hearth.plugins import (
    IntentContext,
    PrivacyOperations,
    PrivacyUnavailable,
    Response,
    SpeechFinished,
)
from hearth_intent.matcher import IntentMatch
from hearth_intent.plugin_loading import PluginSet, describe_exception

log = logging.getLogger(__name__)

PublishEvent = Callable[[str, str, str, Mapping[str, Any]], Awaitable[None]]
"""publish(plugin, site, name, data): a plugin event on the bus."""
PublishExternal = Callable[[str, Mapping[str, Any]], Awaitable[None]]
"""publish(topic, data): a JSON object on a topic outside hearth/v1."""
Say = Callable[[str, str, bool, str], Awaitable[str]]
"""say(site, text, chime, purpose): a checked say request on the bus; returns its say_id."""
PLUGIN_PURPOSES = ("announcement", "timer")
"""What a plugin may say outside a command; answers go through Response.speech."""


async def nowhere(topic: str, data: Mapping[str, Any]) -> None:
    """Where external publishes go when the runtime has no bus (a plugin's test)."""


async def unheard(site: str, text: str, chime: bool, purpose: str) -> str:
    """Where say requests go when the runtime has no bus (a plugin's test): an id, no sound."""
    return speech.new_say_id()


class NoPolicy:
    """Privacy operations where there are none to give (a bridge observing a command, a plugin's
    test): each is refused, as when policy cannot be reached."""

    async def mute_site(self) -> None:
        raise PrivacyUnavailable("no privacy operations here")

    async def forget_last_session(self) -> int:
        raise PrivacyUnavailable("no privacy operations here")

    async def forget_since(self, since: datetime) -> tuple[int, int]:
        raise PrivacyUnavailable("no privacy operations here")

    async def last_transcript(self) -> str | None:
        raise PrivacyUnavailable("no privacy operations here")


def apology(plugin: str) -> Response:
    """What the user hears when a plugin failed them."""
    return Response(speech=f"Sorry, something went wrong with {plugin}.")


@dataclass
class ServiceHost:
    """What one plugin is offered at start (hearth.plugins.PluginHost)."""

    name: str
    settings: Mapping[str, Any]
    language: str
    sites: tuple[str, ...]
    log: logging.Logger
    data_root: Path
    runtime: PluginRuntime

    def data_dir(self) -> Path:
        path = self.data_root / "plugins" / self.name
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o700)
        return path

    async def publish(self, site: str, name: str, data: Mapping[str, Any]) -> None:
        await self.runtime.publish(self.name, site, name, data)

    def spawn(self, work: Awaitable[None], name: str) -> None:
        self.runtime.spawn(self.name, work, name)

    async def refresh_sentences(self) -> None:
        await self.runtime.refresh()

    async def publish_external(self, topic: str, data: Mapping[str, Any]) -> None:
        if topics.foreign_topic(topic, "intent") is None:
            allowed = ", ".join(foreign.filter for foreign in topics.FOREIGN)
            raise ValueError(f"plugins may publish outside hearth/v1 only on {allowed}")
        await self.runtime.publish_external(topic, data)

    async def say(
        self, site: str, text: str, *, chime: bool = False, purpose: str = "announcement"
    ) -> str:
        problem = speech.refusal(site, text, self.sites, purpose)
        if not problem and purpose not in PLUGIN_PURPOSES:
            problem = f"a plugin says with purpose {' or '.join(PLUGIN_PURPOSES)}, not {purpose!r}"
        if problem:
            raise ValueError(f"cannot say it: {problem}")
        return await self.runtime.say(site, text, chime, purpose)


@dataclass
class PluginRuntime:
    """The running plugins of one intent service."""

    plugins: PluginSet
    language: str
    sites: tuple[str, ...]
    settings: Mapping[str, Mapping[str, Any]]
    timeout_s: float
    data_root: Path
    publish: PublishEvent
    refresh: Callable[[], Awaitable[None]]
    publish_external: PublishExternal = nowhere
    say: Say = unheard
    handlers: dict[str, tuple[str, Any]] = field(default_factory=dict)
    tasks: set[asyncio.Future[Any]] = field(default_factory=set)

    def host(self, name: str) -> ServiceHost:
        return ServiceHost(
            name=name,
            settings=dict(self.settings.get(name, {})),
            language=self.language,
            sites=self.sites,
            log=logging.getLogger(f"hearth.plugin.{name}"),
            data_root=self.data_root,
            runtime=self,
        )

    async def start(self) -> None:
        """Start every running plugin, then take their handlers (a conflict raises)."""
        for name, hook, _ in self.plugins.implementations("hearth_start"):
            failure = await self._bounded(hook(self.host(name)))
            if failure:
                self.plugins.fail(name, "start", f"hearth_start {failure}", RuntimeError(failure))
        self.handlers = dict(self.plugins.collect_handlers())

    async def stop(self) -> None:
        for name, hook, _ in self.plugins.implementations("hearth_stop"):
            failure = await self._bounded(hook())
            if failure:
                self.plugins.fail(name, "stop", f"hearth_stop {failure}")
        for task in list(self.tasks):
            task.cancel()

    def spawn(self, plugin: str, work: Awaitable[None], name: str) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)

        def finished(done: asyncio.Future[Any]) -> None:
            self.tasks.discard(done)
            if not done.cancelled() and done.exception() is not None:
                self.plugins.fail(
                    plugin,
                    "background",
                    f"{name} raised {describe_exception(done.exception())}",  # type: ignore[arg-type]
                )

        task.add_done_callback(finished)

    def handler_of(self, intent: str) -> str | None:
        """The plugin handling an intent, if any."""
        found = self.handlers.get(intent)
        return found[0] if found else None

    async def handle(
        self,
        match: IntentMatch,
        *,
        site: str,
        session_id: str,
        now: datetime,
        privacy: PrivacyOperations,
    ) -> Response | None:
        """Run the intent's handler in isolation; None when no plugin handles it."""
        found = self.handlers.get(match.intent)
        if found is None:
            return None
        plugin, handler = found
        context = self.context(
            match, plugin, site=site, session_id=session_id, now=now, privacy=privacy
        )
        try:
            call = handler(context)
        except Exception as exc:
            return self._failed(plugin, match.intent, "handler_error", describe_exception(exc))
        if not inspect.isawaitable(call):
            return self._failed(
                plugin, match.intent, "bad_response", f"is not async ({type(call).__name__})"
            )
        task = asyncio.ensure_future(call)
        done, _ = await asyncio.wait({task}, timeout=self.timeout_s)
        if not done:
            self._abandon(task)
            return self._failed(
                plugin, match.intent, "handler_timeout", f"took over {self.timeout_s:g} s"
            )
        if task.exception() is not None:
            what = describe_exception(task.exception())  # type: ignore[arg-type]
            return self._failed(plugin, match.intent, "handler_error", f"raised {what}")
        result = task.result()
        if not isinstance(result, Response):
            return self._failed(
                plugin, match.intent, "bad_response", f"returned {type(result).__name__}"
            )
        return result

    def context(self, match: IntentMatch, plugin: str, **known: Any) -> IntentContext:
        """The context of a command for `plugin` (events it publishes carry its name)."""
        site = known["site"]

        async def publish(name: str, data: Mapping[str, Any]) -> None:
            if not site:
                log.warning("plugin %s: an event needs a site; a text query has none", plugin)
                return
            await self.publish(plugin, site, name, data)

        return IntentContext(
            intent=match.intent,
            slots=dict(match.values),
            text=match.text,
            language=self.language,
            publish=publish,
            **known,
        )

    def observe_recognized(
        self, match: IntentMatch, response: Response | None, **known: Any
    ) -> None:
        """Tell the observers (bridges) about a recognised command, without delaying its
        answer."""
        known = {**known, "privacy": NoPolicy()}  # the command's handler had its one use
        for name, hook, _ in self.plugins.implementations("hearth_intent_recognized"):
            self._observe(name, hook(self.context(match, name, **known), response))

    def observe_not_recognized(self, text: str, site: str, session_id: str) -> None:
        for name, hook, _ in self.plugins.implementations("hearth_intent_not_recognized"):
            self._observe(name, hook(text, site, session_id))

    def observe_speech_finished(self, finished: SpeechFinished) -> None:
        """Tell the plugins that something said at a site is over (a timer's ring heard)."""
        for name, hook, _ in self.plugins.implementations("hearth_speech_finished"):
            self._observe(name, hook(finished))

    def _observe(self, plugin: str, work: Any) -> None:
        async def bounded() -> None:
            failure = await self._bounded(work)
            if failure:
                self.plugins.fail(plugin, "observer", failure)

        task = asyncio.ensure_future(bounded())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _failed(self, plugin: str, intent: str, kind: str, what: str) -> Response:
        self.plugins.fail(plugin, kind, f"handler for {intent} {what}")
        return apology(plugin)

    def _abandon(self, task: asyncio.Future[Any]) -> None:
        """Cancel a late handler without waiting for it (one that ignores cancellation must not
        hold up the answer); kept referenced until it ends."""
        task.cancel()
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _bounded(self, work: Any) -> str:
        """Await a start or stop hook within the timeout; what went wrong, or ""."""
        if not inspect.isawaitable(work):
            return ""
        task = asyncio.ensure_future(work)
        done, _ = await asyncio.wait({task}, timeout=self.timeout_s)
        if not done:
            self._abandon(task)
            return f"took over {self.timeout_s:g} s"
        if task.exception() is not None:
            return f"raised {describe_exception(task.exception())}"  # type: ignore[arg-type]
        return ""
