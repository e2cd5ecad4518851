"""The Vocabulary event carries the home's names, so stt can tell Whisper what to expect."""

from __future__ import annotations

from hearth.settings import CommonSettings
from hearth_intent.service import IntentService
from hearth_intent.settings import DeviceSettings, IntentSettings


def test_names_are_the_devices_and_areas_as_spoken() -> None:
    settings = IntentSettings(
        areas=("kitchen", "Living  Room"),
        devices=(
            DeviceSettings(name="Kitchen Light", area="kitchen"),
            DeviceSettings(name="office fan", domain="fan"),
        ),
    )
    service = IntentService(CommonSettings(), settings)
    assert service.spoken_names() == ("kitchen light", "office fan", "kitchen", "living room")
