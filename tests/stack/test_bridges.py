"""The bridges in the real stack: a spoken command is forwarded to Home Assistant (a local server
speaking its REST API) and Home Assistant's answer is Hearth's; the same command goes out on Hermes'
topic for Rhasspy-era automations, through the secured broker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.intent.fake_home_assistant import TOKEN, FakeHomeAssistant, serving, state
from tests.support import EventWatcher, Stack, events_of, stack_config, start_stack

pytestmark = pytest.mark.stack


@dataclass
class Bridged:
    stack: Stack
    home: FakeHomeAssistant
    hermes: EventWatcher


@pytest.fixture(scope="module")
def bridged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bridged]:
    tmp = tmp_path_factory.mktemp("stack-bridges")
    token = tmp / "ha.token"
    token.write_text(TOKEN)
    token.chmod(0o600)
    home = FakeHomeAssistant(
        states=[state("light.kitchen", "Kitchen Light"), state("fan.office", "Office Fan")],
        areas=["Kitchen", "Office"],
        intents={"HassTurnOn": "Turned on the lights"},
    )
    with serving(home):
        config = stack_config(
            tmp,
            stt={"engine": "pocketsphinx", "language": "en"},
            intent={
                "plugins": {"enabled": ["time", "privacy", "timer", "homeassistant", "hermes"]},
                "plugin_settings": {
                    "homeassistant": {
                        "url": home.url,
                        "token_file": str(token),
                        "refresh_interval_s": 0,
                    }
                },
            },
        )
        stack = start_stack(tmp, config)
        hermes = EventWatcher(stack, "hermes/#")
        try:
            yield Bridged(stack, home, hermes)
        finally:
            hermes.close()
            stack.stop()


def test_a_spoken_command_is_done_by_home_assistant_and_mirrored_on_hermes(
    bridged: Bridged, say: Callable[..., Path]
) -> None:
    assert ("GET", "/api/states", None) in bridged.home.requests, "names loaded at start"
    result = bridged.stack.run_file(
        say("hey hestia, turn on the kitchen lights"), "--site", "kitchen", "--fast"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    recognized = next(e for e in events_of(result) if e["event"] == "intent.recognized")
    assert recognized["intent"] == "HassTurnOn"
    assert recognized["speech"] == "Turned on the lights"
    forwarded = [
        body for method, path, body in bridged.home.requests if path == "/api/intent/handle"
    ]
    assert forwarded[-1]["name"] == "HassTurnOn"
    # Home Assistant's own "Kitchen Light" is what was heard, in Home Assistant's spelling.
    assert forwarded[-1]["data"] in ({"name": "Kitchen Light"}, {"name": "kitchen light"}), (
        forwarded
    )
    mirrored = bridged.hermes.wait_for("hermes/intent/HassTurnOn")
    assert mirrored["intent"]["intentName"] == "HassTurnOn"
    assert mirrored["siteId"] == "kitchen"
    assert mirrored["sessionId"] == recognized["header"]["session_id"]
    assert mirrored["input"] == recognized["text"]  # what was heard
