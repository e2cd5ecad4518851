"""Hearth's plugin SDK: the only thing an intent plugin imports.

A plugin is a pip-installable package that names an object with `@hookimpl` functions in the
entry-point group `hearth.plugins`:

    [project.entry-points."hearth.plugins"]
    shopping = "hearth_shopping:plugin"

It brings sentences (hassil YAML data, per language), the intents it handles and an async handler
for each; it may keep state, publish events, speak at a site and run background work through the
`PluginHost` it is given at start. What a plugin may do is exactly what this package offers.
docs/plugins.md walks through writing one.
"""

from hearth.plugins.hookspecs import PLUGIN_GROUP, PROJECT, hookimpl, hookspec
from hearth.plugins.types import (
    Handler,
    IntentContext,
    PluginHost,
    PrivacyOperations,
    PrivacyUnavailable,
    Response,
    Slot,
    SpeechFinished,
)

__all__ = [
    "PLUGIN_GROUP",
    "PROJECT",
    "Handler",
    "IntentContext",
    "PluginHost",
    "PrivacyOperations",
    "PrivacyUnavailable",
    "Response",
    "Slot",
    "SpeechFinished",
    "hookimpl",
    "hookspec",
]
