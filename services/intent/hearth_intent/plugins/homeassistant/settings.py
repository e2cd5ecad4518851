"""The Home Assistant plugin's settings (`intent.plugin_settings.homeassistant`), checked once at
start so a typo is a clear error there, not a silent failure at the first command."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

FORWARDABLE_INTENTS: frozenset[str] = frozenset(
    {
        "HassTurnOn",
        "HassTurnOff",
        "HassToggle",
        "HassLightSet",
        "HassGetState",
        "HassGetWeather",
        "HassSetPosition",
        "HassMediaPause",
        "HassMediaUnpause",
        "HassMediaNext",
        "HassMediaPrevious",
        "HassSetVolume",
        "HassClimateGetTemperature",
        "HassClimateSetTemperature",
        "HassVacuumStart",
        "HassVacuumReturnToBase",
    }
)
"""Home Assistant's device intents this plugin may forward. Time and date (the `time` plugin),
timers (`timer`) and the privacy commands are answered in Hearth and never sent to Home
Assistant."""

DEFAULT_INTENTS: tuple[str, ...] = ("HassTurnOn", "HassTurnOff", "HassLightSet", "HassGetWeather")
"""The Home Assistant intents Hearth enables by default, minus those other plugins answer."""

DEFAULT_DOMAINS: tuple[str, ...] = (
    "light",
    "switch",
    "fan",
    "cover",
    "media_player",
    "climate",
    "lock",
    "vacuum",
    "valve",
    "scene",
    "script",
)
"""Entity domains whose names become sayable: the things people command. Sensors are left out so
hundreds of them do not crowd the recogniser's vocabulary."""


class HomeAssistantSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    url: str
    """Home Assistant's base URL, e.g. http://homeassistant.local:8123 (no /api)."""
    token_file: Path
    """A file holding a long-lived access token (never the token itself in the config)."""
    api: Literal["intent", "conversation"] = "intent"
    """`intent`: POST /api/intent/handle with the intent and slots Hearth recognised (the words
    said never leave Hearth, and Home Assistant does exactly what Hearth understood).
    `conversation`: POST /api/conversation/process with the words said, for Home Assistant's own
    custom sentences or a conversation agent to interpret them again."""
    timeout_s: float = Field(4.0, gt=0, le=30)
    """How long a request may take; keep it under intent.plugin_timeout_s so the plugin answers
    with its own clear error before the host gives up on it."""
    refresh_interval_s: float = Field(600.0, ge=0)
    """How often areas and entity names are reloaded; 0 loads them only at start."""
    intents: tuple[str, ...] = DEFAULT_INTENTS
    """The intents forwarded to Home Assistant."""
    domains: tuple[str, ...] = DEFAULT_DOMAINS
    """Entity domains whose friendly names become the `name` slot list."""
    ca_file: Path | None = None
    """A CA certificate to trust for an https URL with a private certificate."""

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"must be an http:// or https:// URL, got {url!r}")
        if parts.path.rstrip("/").endswith("/api"):
            raise ValueError("is Home Assistant's base URL, without /api")
        return url.rstrip("/")

    @field_validator("intents")
    @classmethod
    def _forwardable(cls, intents: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(intents) - FORWARDABLE_INTENTS)
        if unknown:
            raise ValueError(
                f"cannot forward {', '.join(unknown)}; forwardable: "
                f"{', '.join(sorted(FORWARDABLE_INTENTS))}"
            )
        if not intents:
            raise ValueError("forwards at least one intent")
        return tuple(dict.fromkeys(intents))

    @field_validator("refresh_interval_s")
    @classmethod
    def _not_too_often(cls, seconds: float) -> float:
        if 0 < seconds < 30:
            raise ValueError("is 0 (never) or at least 30 seconds")
        return seconds


class SettingsError(ValueError):
    """The plugin's settings are wrong; the message says where and how."""


SECTION = "intent.plugin_settings.homeassistant"


def parse_settings(raw: Mapping[str, Any]) -> HomeAssistantSettings:
    """Validate the plugin's section; every problem named by its key."""
    try:
        return HomeAssistantSettings.model_validate(dict(raw))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(section)'}: {error['msg']}"
            for error in exc.errors()
        )
        raise SettingsError(f"{SECTION}: {problems}") from None


def read_token(path: Path) -> str:
    """The long-lived access token from its file (one line, surrounding whitespace ignored)."""
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SettingsError(
            f"{SECTION}.token_file: cannot read {path} ({exc.strerror or exc})"
        ) from None
    if not token:
        raise SettingsError(f"{SECTION}.token_file: {path} is empty")
    if any(ch.isspace() for ch in token):
        raise SettingsError(f"{SECTION}.token_file: {path} holds more than one token")
    return token
