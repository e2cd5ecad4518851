"""Settings of the intent service (section `intent` of the config file)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, model_validator

from hearth.service import ServiceSection
from hearth.settings import Frozen
from hearth_intent.demo_home import DEMO_AREAS, DEMO_DEVICES


class DeviceSettings(Frozen):
    name: str
    """What people call it: "kitchen light"."""
    domain: str = "light"
    """light, switch, fan, cover, media_player, ..."""
    area: str | None = None
    """The area it is in, one of `areas`."""


ALWAYS_ENABLED = ("privacy",)
"""Plugins that cannot be turned off: "stop listening" must always work."""


class PluginSelection(Frozen):
    """Which installed intent plugins run (docs/plugins.md)."""

    enabled: tuple[str, ...] = ("time", "privacy")
    """Plugins to run, by entry-point name; one that is not installed is reported, not fatal.
    `timer` is opt-in for now: its eight intents take most of stt's vocabulary budget (measured,
    docs/plugins.md#timers), which the recognition thresholds were not calibrated on."""
    disabled: tuple[str, ...] = ()
    """Plugins not to run even if listed in `enabled` (turns a default off)."""

    @model_validator(mode="after")
    def _privacy_stays(self) -> PluginSelection:
        kept = [name for name in ALWAYS_ENABLED if name in self.disabled]
        if kept:
            raise ValueError(f"{', '.join(kept)} cannot be disabled: stop listening must work")
        return self

    def runs(self, name: str) -> bool:
        """Whether the plugin of this name is to be started."""
        if name in ALWAYS_ENABLED:
            return True
        return name in self.enabled and name not in self.disabled


class IntentSettings(ServiceSection):
    metrics_port: int = Field(9104, ge=0, le=65535)
    """Port of the /metrics endpoint."""
    language: str = "en"
    """Language of the sentence templates (home-assistant-intents)."""
    intents: tuple[str, ...] | None = None
    """Home Assistant intents to enable; empty means a default set for a home (lights, devices,
    timers, time, date, weather). The enabled plugins' intents are always added."""
    areas: tuple[str, ...] = DEMO_AREAS
    """Areas of the home, as people say them."""
    devices: tuple[DeviceSettings, ...] = tuple(
        DeviceSettings(name=d.name, domain=d.domain, area=d.area) for d in DEMO_DEVICES
    )
    """Named devices; the default describes a small demo home."""
    site_areas: dict[str, str] = {}
    """The area each site is in, so "turn on the lights" means that room's lights; by default a site
    named like an area (living_room → living room) is in that area."""
    max_vocabulary_sentences: int = Field(5000, ge=10, le=200_000)
    """Bound on the sentences published for the stt grammar."""
    vocabulary_store: Path | None = None
    """Where built vocabularies are kept so a restart with the same configuration skips the
    ~16 s build (default <data_dir>/intent/vocabularies); they hold sentences and the home's
    names, nothing anyone said."""
    plugins: PluginSelection = PluginSelection()
    """Intent plugins to run; `privacy` always runs."""
    plugin_settings: dict[str, dict[str, Any]] = {}
    """Each plugin's own settings by plugin name (what it gets as `host.settings`)."""
    not_recognized_speech: str = Field("Sorry, I didn't understand.", max_length=200)
    """What the site says when a command matched no intent; empty: say nothing. A session that
    heard no words at all (a false wake) is always silent."""
    plugin_timeout_s: float = Field(5.0, gt=0, le=300)
    """Longest a plugin's handler (or its start or stop) may take; past it the user hears an
    apology."""

    def area_of(self, site: str) -> str | None:
        if site in self.site_areas:
            return self.site_areas[site]
        spoken = site.replace("_", " ").replace("-", " ")
        return spoken if spoken in self.areas else None
