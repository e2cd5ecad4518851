"""`hearth wake enroll --record` reads `audio.mic_command` without the audio service's settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from hearth.pcm import DEFAULT_MIC_COMMAND
from hearth_wake_train.enroll import EnrollmentError
from hearth_wake_train.record import configured_mic_command
from tests.support import REPO


def test_the_example_config_gives_the_audio_services_command() -> None:
    """The rest of the `audio` section (site, source, ...) is the audio service's: ignored here."""
    assert configured_mic_command(REPO / "deploy" / "hearth.example.yaml") == DEFAULT_MIC_COMMAND


def test_the_setting_and_its_environment_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "hearth.yaml"
    config.write_text("audio: {site: kitchen, mic_command: [arecord, -D, hw:1]}\n")
    assert configured_mic_command(config) == ("arecord", "-D", "hw:1")
    monkeypatch.setenv("HEARTH__AUDIO__MIC_COMMAND", '["parec", "--raw"]')
    assert configured_mic_command(config) == ("parec", "--raw")


def test_an_unreadable_config_is_an_enrollment_error(tmp_path: Path) -> None:
    with pytest.raises(EnrollmentError, match="cannot read config file"):
        configured_mic_command(tmp_path / "missing.yaml")
