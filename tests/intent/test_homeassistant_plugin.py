"""The homeassistant plugin against a local server speaking Home Assistant's REST API (real HTTP,
real JSON, real errors), its hooks called through pluggy with a small real PluginHost."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pluggy
import pytest

from hearth.plugins import IntentContext, Response, Slot
from hearth_intent.plugins.homeassistant import HomeAssistantPlugin
from hearth_intent.plugins.homeassistant.home import HomeSnapshot
from hearth_intent.plugins.homeassistant.settings import (
    DEFAULT_INTENTS,
    FORWARDABLE_INTENTS,
    SettingsError,
    parse_settings,
    read_token,
)
from tests.intent.fake_home_assistant import (
    TOKEN,
    FakeHomeAssistant,
    intent_response,
    serving,
    state,
)
from tests.intent.plugin_host import RecordingHost, plugin_manager

HOME = (
    state("light.kitchen", "Kitchen Light", "on"),
    state("switch.coffee", "Coffee  Maker"),
    state("sensor.outdoor", "Outdoor Temperature", "4.5"),
    state("light.unnamed", None),
)
AREAS = ("Kitchen", "Living Room")


class Started:
    """A plugin started through pluggy against a host whose settings point at `home`."""

    def __init__(self, tmp_path: Path, home: FakeHomeAssistant, **settings: Any) -> None:
        token_file = tmp_path / "homeassistant.token"
        if not token_file.exists():
            token_file.write_text(TOKEN + "\n")
        self.host = RecordingHost(
            "homeassistant",
            {"url": home.url, "token_file": str(token_file), "timeout_s": 2, **settings},
            tmp_path,
        )
        self.plugin = HomeAssistantPlugin()
        self.manager: pluggy.PluginManager = plugin_manager(self.plugin, "homeassistant")

    async def start(self) -> None:
        for started in self.manager.hook.hearth_start(host=self.host):
            await started

    async def stop(self) -> None:
        for stopped in self.manager.hook.hearth_stop():
            await stopped
        await self.host.stop_spawned()

    def slot_lists(self) -> Mapping[str, Any] | None:
        (lists,) = self.manager.hook.hearth_slot_lists(language="en") or [None]
        return lists

    async def say(self, intent: str, text: str, **slots: Any) -> Response:
        (handlers,) = self.manager.hook.hearth_handlers()
        return await handlers[intent](context(intent, text, slots))


def context(intent: str, text: str, slots: Mapping[str, Any]) -> IntentContext:
    async def publish(name: str, data: Mapping[str, Any]) -> None:
        raise AssertionError("the homeassistant plugin publishes no events")

    return IntentContext(
        intent=intent,
        slots={name: Slot(name, value, str(value).lower()) for name, value in slots.items()},
        text=text,
        site="kitchen",
        session_id="5f0c",
        language="en",
        now=datetime.now().astimezone(),
        privacy=None,  # type: ignore[arg-type]  # the plugin never asks for privacy operations
        publish=publish,
    )


def run(tmp_path: Path, home: FakeHomeAssistant, scenario: Any, **settings: Any) -> None:
    async def main() -> None:
        started = Started(tmp_path, home, **settings)
        await started.start()
        try:
            await scenario(started)
        finally:
            await started.stop()

    with serving(home):
        asyncio.run(main())


def test_areas_and_entity_names_are_slot_lists_from_the_start(tmp_path: Path) -> None:
    home = FakeHomeAssistant(states=list(HOME), areas=list(AREAS))

    async def scenario(started: Started) -> None:
        assert started.slot_lists() == {
            "area": [("kitchen", "Kitchen"), ("living room", "Living Room")],
            "name": [("coffee maker", "Coffee Maker"), ("kitchen light", "Kitchen Light")],
        }
        assert started.host.refreshes == 0, "the host had not built its matcher yet"
        assert [name for name, _ in started.host.spawned] == ["homeassistant-refresh"]

    run(tmp_path, home, scenario)
    assert [(m, p) for m, p, _ in home.requests] == [
        ("GET", "/api/states"),
        ("POST", "/api/template"),
    ]


def test_names_are_spoken_as_words_and_sent_as_home_assistant_spells_them() -> None:
    lists = HomeSnapshot(names=("Living-Room Lamp (TV)", "Kid's_Fan", "!!!")).slot_lists()
    assert lists["name"] == [
        ("living room lamp tv", "Living-Room Lamp (TV)"),
        ("kid's fan", "Kid's_Fan"),
    ]


def test_a_refresh_with_new_names_asks_the_host_to_rebuild_its_sentences(tmp_path: Path) -> None:
    home = FakeHomeAssistant(states=list(HOME), areas=list(AREAS))

    async def scenario(started: Started) -> None:
        started.slot_lists()  # the host builds its matcher
        assert await started.plugin.reload()
        assert started.host.refreshes == 0, "nothing changed"
        home.states.append(state("fan.bedroom", "Bedroom Fan"))
        home.areas.append("Bedroom")
        assert await started.plugin.reload()
        assert started.host.refreshes == 1
        lists = started.slot_lists()
        assert lists is not None
        assert ("bedroom fan", "Bedroom Fan") in lists["name"]
        assert ("bedroom", "Bedroom") in lists["area"]

    run(tmp_path, home, scenario)


def test_names_load_without_areas_for_a_token_that_is_not_an_administrators(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = FakeHomeAssistant(states=list(HOME), areas=list(AREAS), admin=False)

    async def scenario(started: Started) -> None:
        lists = started.slot_lists()
        assert lists is not None and lists["area"] == [] and len(lists["name"]) == 2

    run(tmp_path, home, scenario)
    assert "administrator" in caplog.text


def test_an_intent_is_forwarded_to_the_intent_api_and_its_answer_spoken(tmp_path: Path) -> None:
    home = FakeHomeAssistant(
        states=list(HOME),
        areas=list(AREAS),
        intents={
            "HassTurnOn": "Turned on {name}",
            "HassLightSet": "Brightness set to {brightness}",
        },
    )

    async def scenario(started: Started) -> None:
        answer = await started.say("HassTurnOn", "turn on the kitchen light", name="Kitchen Light")
        assert answer.speech == "Turned on Kitchen Light"
        assert answer.data == {"response_type": "action_done"}
        answer = await started.say(
            "HassLightSet", "set the kitchen to fifty percent", area="Kitchen", brightness=50
        )
        assert answer.speech == "Brightness set to 50"

    run(tmp_path, home, scenario)
    forwarded = [body for _, path, body in home.requests if path == "/api/intent/handle"]
    assert forwarded == [
        {"name": "HassTurnOn", "data": {"name": "Kitchen Light"}},
        {"name": "HassLightSet", "data": {"area": "Kitchen", "brightness": 50}},
    ]


def test_the_conversation_api_gets_the_words_and_its_answer_is_spoken(tmp_path: Path) -> None:
    home = FakeHomeAssistant(
        states=list(HOME), conversation=intent_response("Turned on the lights")
    )

    async def scenario(started: Started) -> None:
        answer = await started.say("HassTurnOn", "turn on the lights in the kitchen", area="x")
        assert answer.speech == "Turned on the lights"

    run(tmp_path, home, scenario, api="conversation")
    processed = [body for _, path, body in home.requests if path == "/api/conversation/process"]
    assert processed == [{"text": "turn on the lights in the kitchen", "language": "en"}]


def test_a_question_back_continues_the_conversation_at_that_site(tmp_path: Path) -> None:
    home = FakeHomeAssistant(
        states=list(HOME), conversation=intent_response("Which light?"), asks_back=True
    )

    async def scenario(started: Started) -> None:
        answer = await started.say("HassTurnOn", "turn on the light")
        assert answer.speech == "Which light?" and answer.continue_conversation
        home.asks_back = False
        answer = await started.say("HassTurnOn", "turn on the kitchen light")
        assert not answer.continue_conversation
        await started.say("HassTurnOn", "turn on the light")

    run(tmp_path, home, scenario, api="conversation")
    processed = [body for _, path, body in home.requests if path == "/api/conversation/process"]
    assert [body.get("conversation_id") for body in processed] == [None, "01JDCONV", None]


def test_an_error_response_speaks_home_assistants_words_and_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    refusal = intent_response(
        "Sorry, I am not aware of any device called garage", "error", {"code": "no_valid_targets"}
    )
    home = FakeHomeAssistant(states=list(HOME), conversation=refusal)

    async def scenario(started: Started) -> None:
        answer = await started.say("HassTurnOn", "open the garage", name="garage")
        assert answer.speech == "Sorry, I am not aware of any device called garage"
        assert answer.data == {"response_type": "error", "error_code": "no_valid_targets"}

    run(tmp_path, home, scenario, api="conversation")
    assert "could not handle HassTurnOn: error no_valid_targets" in caplog.text


def test_a_refused_token_is_said_and_logged_without_the_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = FakeHomeAssistant(states=list(HOME), areas=list(AREAS), intents={"HassTurnOn": "ok"})
    (tmp_path / "homeassistant.token").write_text("an-old-revoked-token")

    async def scenario(started: Started) -> None:
        assert started.slot_lists() is None
        answer = await started.say("HassTurnOn", "turn on the kitchen light", name="Kitchen Light")
        assert answer.speech == "Sorry, Home Assistant refused my access token."
        assert answer.data == {"error": "Unauthorized"}

    caplog.set_level(logging.INFO)
    run(tmp_path, home, scenario)
    assert "HTTP 401, the access token was refused" in caplog.text
    assert "an-old-revoked-token" not in caplog.text and TOKEN not in caplog.text


def test_an_intent_home_assistant_does_not_know_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = FakeHomeAssistant(states=list(HOME), areas=list(AREAS), intents={"HassTurnOn": "ok"})

    async def scenario(started: Started) -> None:
        answer = await started.say("HassGetWeather", "what is the weather")
        assert answer.speech == "Sorry, Home Assistant doesn't know how to do that."

    run(tmp_path, home, scenario)
    assert "HTTP 500, Home Assistant has no handler for this intent" in caplog.text


def test_an_api_home_assistant_does_not_offer_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = FakeHomeAssistant(states=list(HOME), areas=list(AREAS), conversation=None)

    async def scenario(started: Started) -> None:
        answer = await started.say("HassTurnOn", "turn on the kitchen light", name="Kitchen Light")
        assert answer.speech == "Sorry, Home Assistant doesn't know how to do that."

    run(tmp_path, home, scenario, api="conversation")
    assert "POST /api/conversation/process: HTTP 404" in caplog.text


def test_a_slow_home_assistant_times_out_with_a_clear_answer(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    home = FakeHomeAssistant(
        states=list(HOME), areas=list(AREAS), intents={"HassTurnOn": "ok"}, delay_s=1.5
    )

    async def scenario(started: Started) -> None:
        assert started.slot_lists() is None
        answer = await started.say("HassTurnOn", "turn on the kitchen light", name="Kitchen Light")
        assert answer.speech == "Sorry, Home Assistant took too long to answer."

    run(tmp_path, home, scenario, timeout_s=0.3)
    assert "POST /api/intent/handle: no answer in 0.3 s" in caplog.text


def test_home_assistant_down_is_said_and_the_plugin_keeps_trying(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home = FakeHomeAssistant(port=port)

    async def scenario(started: Started) -> None:
        assert started.slot_lists() is None
        answer = await started.say("HassTurnOn", "turn on the kitchen light", name="Kitchen Light")
        assert answer.speech == "Sorry, I can't reach Home Assistant right now."
        assert [name for name, _ in started.host.spawned] == ["homeassistant-refresh"]

    async def main() -> None:
        started = Started(tmp_path, home)
        await started.start()
        try:
            await scenario(started)
        finally:
            await started.stop()

    asyncio.run(main())  # nothing listens on the port
    assert f"cannot reach http://127.0.0.1:{port}" in caplog.text


def test_it_claims_only_the_intents_it_forwards() -> None:
    (handlers,) = plugin_manager(HomeAssistantPlugin(), "homeassistant").hook.hearth_handlers()
    assert set(handlers) == set(DEFAULT_INTENTS) <= FORWARDABLE_INTENTS
    others = {"HassGetCurrentTime", "HassGetCurrentDate", "HassStartTimer", "HassCancelTimer"}
    assert not FORWARDABLE_INTENTS & others, "time, date and timers are other plugins'"


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"token_file": "t"}, "url: Field required"),
        ({"url": "homeassistant.local:8123", "token_file": "t"}, "must be an http:// or https://"),
        ({"url": "http://ha:8123/api", "token_file": "t"}, "without /api"),
        ({"url": "http://ha:8123", "token": "abc", "token_file": "t"}, "token: Extra inputs"),
        ({"url": "http://ha:8123", "token_file": "t", "intents": ["HassStartTimer"]}, "cannot f"),
        ({"url": "http://ha:8123", "token_file": "t", "refresh_interval_s": 5}, "at least 30"),
        ({"url": "http://ha:8123", "token_file": "t", "api": "websocket"}, "api: Input should"),
    ],
)
def test_settings_errors_name_the_key(settings: dict[str, Any], problem: str) -> None:
    with pytest.raises(SettingsError, match="intent.plugin_settings.homeassistant") as raised:
        parse_settings(settings)
    assert problem in str(raised.value)


def test_the_token_file_must_hold_one_token(tmp_path: Path) -> None:
    path = tmp_path / "token"
    with pytest.raises(SettingsError, match="cannot read"):
        read_token(path)
    path.write_text("\n")
    with pytest.raises(SettingsError, match="is empty"):
        read_token(path)
    path.write_text(f"  {TOKEN}\n")
    assert read_token(path) == TOKEN


def test_bad_settings_stop_the_plugin_at_start(tmp_path: Path) -> None:
    host = RecordingHost("homeassistant", {"url": "http://ha:8123"}, tmp_path)
    manager = plugin_manager(HomeAssistantPlugin(), "homeassistant")

    async def start() -> None:
        for started in manager.hook.hearth_start(host=host):
            await started

    with pytest.raises(SettingsError, match="token_file: Field required"):
        asyncio.run(start())
