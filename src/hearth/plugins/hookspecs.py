"""The hooks an intent plugin may implement (pluggy), each with what it is for.

Every hook is optional. The intent service calls `hearth_sentences` and `hearth_slot_lists` when
it builds its matcher (at start, and again when a plugin asks for a refresh), `hearth_handlers`
once at start, and `hearth_start` / `hearth_stop` around the service's life.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pluggy

from hearth.plugins.types import Handler, PluginHost

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
def hearth_slot_lists(language: str) -> Mapping[str, Sequence[str | tuple[str, str]]] | None:
    """Slot lists the plugin's sentences use, computed at start (e.g. Home Assistant's areas and
    entities): list name → values, each a spoken string or (spoken, value). Static lists can
    equally live in the YAML's `lists:`."""


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
