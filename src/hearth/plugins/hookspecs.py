"""The hooks an intent plugin may implement (pluggy), each with what it is for.

Every hook is optional. The intent service calls `hearth_sentences` and `hearth_slot_lists` when
it builds its matcher (at start, and again when a plugin asks for a refresh), `hearth_handlers`
once at start, `hearth_start` / `hearth_stop` around the service's life, and the observers
`hearth_intent_recognized` / `hearth_intent_not_recognized` after every command, and
`hearth_speech_finished` whenever something said at a site is over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pluggy

from hearth.plugins.types import Handler, IntentContext, PluginHost, Response, SpeechFinished

PROJECT = "hearth"
PLUGIN_GROUP = "hearth.plugins"
"""The entry-point group plugins are discovered through."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""Mark a plugin's hook functions with this."""


@hookspec
def hearth_sentences(language: str) -> str | None:
    """hassil YAML data for `language` (e.g. "en"), in home-assistant-intents' format:
    `intents: {MyIntent: {data: [{sentences: [...], slots: {...}}]}}`, optionally `lists:` and
    `expansion_rules:`. New intents, and more sentences for Home Assistant's intents, both go
    here. None when the plugin has nothing for this language. These sentences are also what
    stt's grammar may hear, so the vocabulary follows the enabled plugins."""


@hookspec
def hearth_slot_lists(
    language: str,
) -> Mapping[str, Sequence[str | tuple[str, Any] | tuple[str, Any, Mapping[str, Any]]]] | None:
    """Slot lists the plugin's sentences use, computed at start (e.g. Home Assistant's areas and
    entities): list name → values, each a spoken string, (spoken, value), or (spoken, value,
    context) where context is what the value implies for matching (e.g. {"domain": "light"} for
    a device, as Home Assistant's templates require). Values are added to a list of the same
    name (the home's `area` and `name` lists included). Static lists can equally live in the
    YAML's `lists:`."""


@hookspec
def hearth_handlers() -> Mapping[str, Handler] | None:
    """Intent name → async handler. Two enabled plugins claiming one intent stop the intent
    service at start with an error naming both."""


@hookspec
async def hearth_start(host: PluginHost) -> None:
    """Called once when the intent service starts, before any handler runs: keep the host to
    publish events, keep state, read the plugin's settings and start background work."""


@hookspec
async def hearth_stop() -> None:
    """Called once when the intent service stops: stop background work, flush state."""


@hookspec
async def hearth_intent_recognized(context: IntentContext, response: Response | None) -> None:
    """Observe every recognised command, whichever plugin handled it (`response` is its answer;
    None when no plugin handles the intent): for bridges such as Hermes. Runs after the answer,
    with the handler timeout; it cannot change the answer."""


@hookspec
async def hearth_intent_not_recognized(text: str, site: str, session_id: str) -> None:
    """Observe every command that matched no intent (`text` is what was heard; never log it)."""


@hookspec
async def hearth_speech_finished(finished: SpeechFinished) -> None:
    """Observe the end of everything said at any site (answers, announcements, timers), as the
    site's audio service reports it: match `finished.say_id` against the ids `host.say`
    returned. An "interrupted" outcome usually means someone spoke the wake word over it (the
    timer plugin takes that as "heard, stop ringing"). Runs with the handler timeout; never
    delays anything."""
