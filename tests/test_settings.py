"""Settings: YAML plus environment overrides, validated, with errors an owner can act on."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from hearth.service import ServiceSection
from hearth.settings import SettingsError, load_settings


def test_defaults_without_a_file() -> None:
    common, section = load_settings("wake", ServiceSection, None, environ={})
    assert common.mqtt.port == 1884 and "kitchen" in common.sites
    assert section.grpc_listen is None


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "hearth.yaml"
    path.write_text("mqtt: {port: 2000}\nsites: [attic]\n")
    common, _ = load_settings(
        None,
        ServiceSection,
        path,
        environ={"HEARTH__MQTT__PORT": "2001", "HEARTH__SITES": "[attic, porch]"},
    )
    assert common.mqtt.port == 2001
    assert common.sites == ("attic", "porch")


def test_config_file_from_environment(tmp_path: Path) -> None:
    path = tmp_path / "hearth.yaml"
    path.write_text("log_level: debug\n")
    common, _ = load_settings(None, ServiceSection, None, environ={"HEARTH_CONFIG": str(path)})
    assert common.log_level == "debug"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mqtt: {port: 99999}", "mqtt.port"),
        ("mqtt: {prot: 1}", "mqtt.prot"),
        ("sites: [Living Room]", "sites"),
        ("log_level: loud", "log_level"),
        ("- a list", "mapping"),
        ("mqtt: {port: [", "not valid YAML"),
    ],
)
def test_invalid_settings_name_the_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "hearth.yaml"
    path.write_text(text)
    with pytest.raises(SettingsError) as error:
        load_settings(None, ServiceSection, path, environ={})
    assert expected in str(error.value)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot read config file"):
        load_settings(None, ServiceSection, tmp_path / "nope.yaml", environ={})


def test_settings_are_frozen() -> None:
    common, _ = load_settings(None, ServiceSection, None, environ={})
    with pytest.raises(ValidationError, match="frozen"):
        common.mqtt.port = 1  # type: ignore[misc]
