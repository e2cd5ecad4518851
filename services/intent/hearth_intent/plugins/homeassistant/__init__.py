"""The `homeassistant` plugin: Home Assistant's areas and entities as slot lists, and Hearth's
Home Assistant intents forwarded to its REST API (docs/plugins.md)."""

from hearth_intent.plugins.homeassistant.plugin import HomeAssistantPlugin

plugin = HomeAssistantPlugin()
"""The object the `homeassistant` entry point names."""

__all__ = ["HomeAssistantPlugin", "plugin"]
