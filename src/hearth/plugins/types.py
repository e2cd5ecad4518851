"""What a handler receives and returns, and what the host offers a plugin."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Slot:
    """One slot of a recognised sentence."""

    name: str
    value: Any
    """The resolved value (a list's output value, a number)."""
    text: str
    """The words as they were said."""


class PrivacyUnavailable(Exception):
    """Policy could not carry out a privacy operation (unreachable, or it refused): nothing was
    changed. The host has logged and counted it; the handler says so."""


class PrivacyOperations(Protocol):
    """The privacy operations policy allows for the command being handled (policy checks that it
    was spoken in a session it granted at this site, once per session). Each raises
    PrivacyUnavailable when policy cannot carry it out."""

    async def mute_site(self) -> None:
        """Mute the site the command was spoken at (there is no spoken unmute, by design)."""

    async def forget_last_session(self) -> int:
        """Delete the site's previous session; the number of items deleted."""

    async def forget_since(self, since: datetime) -> tuple[int, int]:
        """Delete what the site kept since `since`; (items, sessions) deleted."""

    async def last_transcript(self) -> str | None:
        """The last transcript still held for the site, before this command; None when none."""


@dataclass(frozen=True)
class IntentContext:
    """Everything a handler knows about the command it handles."""

    intent: str
    slots: Mapping[str, Slot]
    text: str
    """What was said (never logged by Hearth)."""
    site: str
    session_id: str
    """Empty for a text query (`hearth` CLI, the Recognize RPC)."""
    language: str
    now: datetime
    """The local time the command was understood."""
    privacy: PrivacyOperations
    publish: Callable[[str, Mapping[str, Any]], Awaitable[None]]
    """publish(name, data): an event on hearth/v1/plugin/<plugin>/<site>/<name> (JSON), for
    automations."""

    def value(self, slot: str, default: Any = None) -> Any:
        """A slot's resolved value, or `default` when the sentence had no such slot."""
        found = self.slots.get(slot)
        return found.value if found is not None else default


@dataclass(frozen=True)
class Response:
    """What a handler answers."""

    speech: str = ""
    """What to say back (the spoken-answers service speaks it)."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """Anything an automation may want (JSON-serialisable)."""
    continue_conversation: bool = False
    """The answer asks something back: after speaking it, the site listens for the reply without
    the wake word (only when there is speech; once; policy refuses it on a muted site). The
    reply is a new command, handled like any other."""


Handler = Callable[[IntentContext], Awaitable[Response]]


@dataclass(frozen=True)
class SpeechFinished:
    """Something said at a site is over (hearth/v1/tts/<site>/finished): what the
    `hearth_speech_finished` hook receives."""

    say_id: str
    """The id `PluginHost.say` returned (or another sender's: every say request is observed)."""
    site: str
    outcome: str
    """"played" (to its end), "interrupted" (a wake word spoken over it, or a newer request at the
    site replaced it), "failed" (detail says why) or "no_output" (the site has no speaker)."""
    played_s: float
    """Seconds of it that were heard."""
    purpose: str
    """"answer", "not_recognized", "timer" or "announcement"."""
    detail: str = ""


class PluginHost(Protocol):
    """What the intent service offers a plugin at start."""

    name: str
    """The plugin's name (its entry point's)."""
    settings: Mapping[str, Any]
    """The plugin's own section of the configuration (`intent.plugin_settings.<name>`)."""
    language: str
    sites: tuple[str, ...]
    log: logging.Logger

    def data_dir(self) -> Path:
        """A private (0700) directory for the plugin's state; what it keeps must expire."""

    async def publish(self, site: str, name: str, data: Mapping[str, Any]) -> None:
        """An event on hearth/v1/plugin/<plugin>/<site>/<name> outside any handler (a timer
        that rings)."""

    def spawn(self, work: Awaitable[None], name: str) -> None:
        """Run background work for the service's life; an exception is logged and counted, never
        fatal to the service."""

    async def refresh_sentences(self) -> None:
        """Ask the service to rebuild its matcher and vocabulary (new slot values)."""

    async def publish_external(self, topic: str, data: Mapping[str, Any]) -> None:
        """A JSON object on a topic outside Hearth's own, for another protocol's tools; only the
        prefixes the broker lets the intent service write are allowed (`hermes/`), anything
        else raises ValueError."""

    async def say(
        self, site: str, text: str, *, chime: bool = False, purpose: str = "announcement"
    ) -> str:
        """Speak at a site outside any command (a timer that rings, a reminder); returns the say
        request's id, which the `hearth_speech_finished` hook later reports on. `chime` plays
        the chime first. An unknown site, empty text, text over hearth.speech.MAX_SAY_CHARS
        (1000 characters) or an unknown purpose ("announcement" or "timer" for plugins) raises
        ValueError. A command's answer is not said this way: return it as Response.speech."""
