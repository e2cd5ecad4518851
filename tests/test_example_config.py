"""deploy/hearth.example.yaml is valid for every service and shows the real defaults."""

from __future__ import annotations

import pytest
import yaml

from hearth.service import ServiceSection
from hearth.settings import load_settings
from hearth_audio.settings import AudioSettings
from hearth_intent.settings import IntentSettings
from hearth_policy.settings import PolicySettings
from hearth_stt.settings import SttSettings
from hearth_tts.settings import TtsSettings
from hearth_wake.settings import WakeSettings
from tests.support import REPO

EXAMPLE = REPO / "deploy" / "hearth.example.yaml"
SECTIONS = {
    "audio": AudioSettings,
    "wake": WakeSettings,
    "stt": SttSettings,
    "intent": IntentSettings,
    "policy": PolicySettings,
    "tts": TtsSettings,
}


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_example_matches_the_defaults(name: str) -> None:
    common, section = load_settings(name, SECTIONS[name], EXAMPLE, environ={})
    default_common, default_section = load_settings(name, SECTIONS[name], None, environ={})
    assert common == default_common
    assert section.model_dump(exclude={"instance"}) == default_section.model_dump(
        exclude={"instance"}
    )


def test_example_lists_every_setting() -> None:
    text = EXAMPLE.read_text()
    data = yaml.safe_load(text)
    for name, model in SECTIONS.items():
        own = [
            field
            for field in model.model_fields
            if field not in ServiceSection.model_fields or field == "metrics_port"
        ]
        missing = [field for field in own if field not in data[name] and f"# {field}:" not in text]
        assert not missing, f"{name}: {missing}"
    for field in ServiceSection.model_fields:
        assert f"#   {field}:" in text, field
