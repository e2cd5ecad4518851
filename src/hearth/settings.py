"""Settings: one YAML file plus environment overrides, validated once at a service's entry point.

Every service reads the same file (so a home has one place to describe itself) but
validates only the common part and its own section. Environment variables override
the file: ``HEARTH__MQTT__PORT=1884`` sets ``mqtt.port``; ``HEARTH_CONFIG`` names the
file. Nothing below an entry point reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

ENV_PREFIX = "HEARTH__"
CONFIG_ENV = "HEARTH_CONFIG"
SITE_NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"


class SettingsError(Exception):
    """The configuration cannot be used; the message says which field and why."""


class Frozen(BaseModel):
    """Base of every settings object: immutable, and unknown keys are errors (typos must not
    pass)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class MqttSettings(Frozen):
    host: str = "127.0.0.1"
    """Broker host name or address."""
    port: int = Field(1884, ge=1, le=65535)
    """Broker port; Hearth's own Mosquitto listens on 1884 so it never collides with another
    broker."""
    keepalive_s: int = Field(15, ge=5, le=600)
    """MQTT keepalive; also how fast the broker notices a dead service and sends its last will."""
    max_payload_bytes: int = Field(1_048_576, ge=1024)
    """Larger payloads are rejected unread, and never published: events are small (the vocabulary
    is the largest), audio never travels on MQTT. Hearth's own broker refuses anything much
    larger."""
    reconnect_max_s: float = Field(10.0, gt=0)
    """Longest wait between reconnection attempts (backoff doubles from one second up to this)."""


class Endpoints(Frozen):
    """Where each gRPC service can be reached from the other services."""

    wake: str = "127.0.0.1:50051"
    """Address of the wake service."""
    stt: str = "127.0.0.1:50052"
    """Address of the speech-to-text service."""
    policy: str = "127.0.0.1:50053"
    """Address of the policy service."""
    intent: str = "127.0.0.1:50054"
    """Address of the intent service."""
    tts: str = "127.0.0.1:50055"
    """Address of the speech (text-to-speech) service."""


class CommonSettings(Frozen):
    """What every service needs: the broker, the other services, the sites, where to keep data."""

    data_dir: Path = Path("~/.local/share/hearth")
    """Persistent state (mute states, secrets, models); expanded and created at start."""
    log_level: str = "info"
    """debug, info, warning or error."""
    sites: tuple[str, ...] = ("living_room", "kitchen", "bedroom", "office")
    """The rooms that have a microphone; anything else is an unknown site and is refused."""
    mqtt: MqttSettings = MqttSettings()
    """The broker."""
    endpoints: Endpoints = Endpoints()
    """The gRPC services."""
    secrets_dir: Path | None = None
    """Keys, certificates and broker passwords, as `hearth init` writes them (0600 files in a 0700
    directory); default <data_dir>/secrets."""
    identity: str | None = None
    """Who this process is to the broker and the other services: the name on its certificate.
    Default: the service's own name (the `hearth` command: the owner, `hearth`); a satellite's
    services use `satellite-<site>`."""
    session_secret_file: Path | None = None
    """Key that signs session tokens (shared by policy and stt); default
    <secrets_dir>/session.key."""
    grpc_max_message_bytes: int = Field(1_048_576, ge=65_536)
    """gRPC messages larger than this are refused by the transport (audio chunks are a few kB)."""
    rpc_timeout_s: float = Field(5.0, gt=0)
    """Deadline of every unary gRPC call between services."""

    @field_validator("sites")
    @classmethod
    def _sites_are_names(cls, sites: tuple[str, ...]) -> tuple[str, ...]:
        import re

        for site in sites:
            if not re.match(SITE_NAME_PATTERN, site):
                raise ValueError(
                    f"site {site!r} must be lowercase letters, digits, '_' or '-' (it is used in "
                    "MQTT topics)"
                )
        return sites

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        if level.lower() not in {"debug", "info", "warning", "error"}:
            raise ValueError("log_level must be debug, info, warning or error")
        return level.lower()

    @property
    def data_path(self) -> Path:
        return self.data_dir.expanduser()

    @property
    def secrets_path(self) -> Path:
        return (self.secrets_dir or self.data_path / "secrets").expanduser()

    @property
    def secret_path(self) -> Path:
        return (self.session_secret_file or self.secrets_path / "session.key").expanduser()

    def identity_name(self, default: str) -> str:
        """The identity this process speaks as: the configured one, else its own name."""
        return self.identity or default


def read_config_file(path: Path | None) -> dict[str, Any]:
    """Read the YAML file; a missing file given explicitly is an error, no file at all means
    defaults."""
    if path is None:
        return {}
    try:
        text = path.expanduser().read_text()
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise SettingsError(f"config file {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(
            f"config file {path} must hold a mapping of sections, not {type(data).__name__}"
        )
    return data


def apply_env_overrides(data: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Overlay HEARTH__SECTION__FIELD=value variables; values are YAML scalars so lists and
    booleans work."""
    merged: dict[str, Any] = _deep_copy(data)
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX):
            continue
        keys = [k.lower() for k in name[len(ENV_PREFIX) :].split("__") if k]
        if not keys:
            continue
        try:
            value = yaml.safe_load(raw) if raw != "" else None
        except yaml.YAMLError as exc:
            raise SettingsError(f"environment variable {name} is not a valid value: {exc}") from exc
        node = merged
        for key in keys[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = {}
                node[key] = child
            node = child
        node[keys[-1]] = value
    return merged


def _deep_copy(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _deep_copy(v) if isinstance(v, dict) else v for k, v in data.items()}


ModelT = TypeVar("ModelT", bound=BaseModel)


def validate_section(model: type[ModelT], data: Mapping[str, Any] | None, where: str) -> ModelT:
    """Validate one section, turning pydantic's report into lines an owner can act on."""
    try:
        return model.model_validate(dict(data or {}))
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            location = ".".join(str(part) for part in (where, *error["loc"]) if part != "")
            lines.append(f"  {location}: {error['msg']}")
        raise SettingsError("invalid configuration:\n" + "\n".join(lines)) from None


COMMON_KEYS = frozenset(CommonSettings.model_fields)


def load_settings(
    section: str | None,
    section_model: type[ModelT],
    config_path: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[CommonSettings, ModelT]:
    """Load the common settings and one service's section; raises SettingsError with every
    problem listed."""
    environ = os.environ if environ is None else environ
    if config_path is None and environ.get(CONFIG_ENV):
        config_path = Path(environ[CONFIG_ENV])
    data = apply_env_overrides(read_config_file(config_path), environ)
    common = validate_section(
        CommonSettings, {k: v for k, v in data.items() if k in COMMON_KEYS}, ""
    )
    section_data = data.get(section) if section else {}
    if section_data is not None and not isinstance(section_data, dict):
        raise SettingsError(f"section {section!r} must be a mapping")
    return common, validate_section(section_model, section_data, section or "")
