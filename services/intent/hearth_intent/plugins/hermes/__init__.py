"""The `hermes` plugin: Hearth's results on the Hermes topics Rhasspy used
(docs/plugins.md). Off by default."""

from hearth_intent.plugins.hermes.plugin import HermesPlugin

plugin = HermesPlugin()
"""The object the `hermes` entry point names."""

__all__ = ["HermesPlugin", "plugin"]
