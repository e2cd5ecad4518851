"""Intent plugins in the real stack: plugin packages installed with pip (the shopping-list example
and plugins that misbehave on purpose), found through their entry points by `hearth up`'s intent
service.

The stack starts without the shopping list; the fixture enables it in the config and restarts
the intent service, as an owner would, and watches the new vocabulary reach stt. Spoken to by
espeak-ng through pocketsphinx in grammar mode, which can only hear what the vocabulary holds.
"""

from __future__ import annotations

import os
import re
import signal
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from hearth.v1 import intent_pb2, intent_pb2_grpc
from tests import plugin_packages, timeouts
from tests.support import (
    EventWatcher,
    Stack,
    events_of,
    stack_config,
    start_stack,
    time_answers_around_now,
)

pytestmark = pytest.mark.stack
SHOPPING_SENTENCE = "add eggs to my shopping list"
STT_STATUS = f"/status/stt/{socket.gethostname()}"
ENABLED = ["time", "privacy", "raising", "hanging", "garbage", "broken", "eventful"]


@dataclass
class PluginStack:
    stack: Stack
    watcher: EventWatcher
    before: dict[str, Any]
    """The vocabulary event before the shopping list was enabled."""
    after: dict[str, Any]
    """The vocabulary event after."""
    stt_status: dict[str, Any]
    """stt's status naming the vocabulary it now follows."""

    def ask(self, text: str, site: str = "kitchen") -> intent_pb2.RecognizeReply:
        stub = intent_pb2_grpc.IntentStub(self.stack.channel("intent"))
        return stub.Recognize(
            intent_pb2.RecognizeRequest(text=text, site=site), timeout=timeouts.RPC_S
        )


def _stt_follows(version: str) -> Callable[[dict[str, Any]], bool]:
    return lambda status: status.get("offers", {}).get("stt", {}).get("vocabulary") == version


@pytest.fixture(scope="module")
def plugins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PluginStack]:
    tmp = tmp_path_factory.mktemp("stack-plugins")
    site = plugin_packages.install(
        tmp / "site", plugin_packages.EXAMPLE, plugin_packages.MISBEHAVING
    )
    config = stack_config(
        tmp,
        stt={"engine": "pocketsphinx", "language": "en"},
        intent={"plugins": {"enabled": ENABLED}, "plugin_timeout_s": 1.0},
    )
    stack = start_stack(tmp, config, env={"PYTHONPATH": str(site)})
    watcher = EventWatcher(stack)
    try:
        before = watcher.wait_for("/intent/vocabulary")
        watcher.wait_for(STT_STATUS, where=_stt_follows(before["version"]))
        config["intent"]["plugins"]["enabled"] = [*ENABLED, "shopping"]
        stack.config_path.write_text(yaml.safe_dump(config))
        mark, seen = stack.mark(), watcher.mark()
        os.kill(stack.service_pid("intent"), signal.SIGTERM)
        stack.wait_for_log(r"hearth: intent is back", after=mark, timeout=timeouts.STACK_START_S)
        after = watcher.wait_for(
            "/intent/vocabulary", after=seen, where=lambda v: v["version"] != before["version"]
        )
        stt_status = watcher.wait_for(STT_STATUS, after=seen, where=_stt_follows(after["version"]))
        yield PluginStack(stack, watcher, before, after, stt_status)
    finally:
        watcher.close()
        stack.stop()


def test_enabling_a_plugin_brings_its_sentences_to_stt(plugins: PluginStack) -> None:
    assert SHOPPING_SENTENCE not in plugins.before["sentences"]
    assert SHOPPING_SENTENCE in plugins.after["sentences"]
    assert "shopping" in plugins.after["words"]
    assert plugins.stt_status["offers"]["stt"]["vocabulary"] == plugins.after["version"]
    plugins.stack.wait_for_log(rf"stt: vocabulary {plugins.after['version'][:8]}: \d+ sentences")


def test_a_spoken_command_reaches_the_example_plugin(
    plugins: PluginStack, say: Callable[..., Path]
) -> None:
    seen = plugins.watcher.mark()
    result = plugins.stack.run_file(
        say(f"hey hestia, {SHOPPING_SENTENCE}"), "--site", "kitchen", "--fast"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    recognized = next(e for e in events_of(result) if e["event"] == "intent.recognized")
    assert recognized["intent"] == "ShoppingListAdd"
    assert recognized["slots"] == {"item": "eggs"}
    assert recognized["speech"] in (
        "Added eggs to your shopping list.",
        "Eggs is already on your shopping list.",
    )
    changed = plugins.watcher.wait_for("/plugin/shopping/kitchen/changed", after=seen)
    assert changed["plugin"] == "shopping" and "eggs" in changed["data"]["items"]
    assert "eggs" in plugins.ask("what is on my shopping list").speech


@pytest.mark.parametrize(
    ("plugin", "text", "kind"),
    [
        ("raising", "make the plugin raise", "handler_error"),
        ("hanging", "make the plugin hang", "handler_timeout"),
        ("garbage", "make the plugin return garbage", "bad_response"),
    ],
)
def test_a_failing_plugin_is_an_apology_and_the_service_stays_up(
    plugins: PluginStack, plugin: str, text: str, kind: str
) -> None:
    pid = plugins.stack.service_pid("intent")
    before = plugins.stack.metric("intent", "hearth_plugin_errors_total", plugin=plugin, kind=kind)
    reply = plugins.ask(text)
    assert reply.recognized and reply.speech == f"Sorry, something went wrong with {plugin}."
    assert (
        plugins.stack.metric("intent", "hearth_plugin_errors_total", plugin=plugin, kind=kind)
        == before + 1
    )
    answer = plugins.ask("what time is it").speech
    assert answer in time_answers_around_now(), f"the others answer on: {answer!r}"
    assert plugins.stack.service_pid("intent") == pid
    assert text not in plugins.stack.log_text(), "a plugin's failure never logs what was said"


def test_a_plugin_that_fails_to_import_is_counted_and_left_out(plugins: PluginStack) -> None:
    errors = plugins.stack.metric(
        "intent", "hearth_plugin_errors_total", plugin="broken", kind="import"
    )
    assert errors == 1
    plugins.stack.wait_for_log(r"plugin broken failed \(import\): ModuleNotFoundError")
    listed = plugins.stack.hearth("plugins", "list")
    assert listed.returncode == 0, listed.stderr
    assert re.search(r"^broken: failing$", listed.stdout, re.MULTILINE), listed.stdout
    assert re.search(r"^shopping: enabled$", listed.stdout, re.MULTILINE), listed.stdout


def test_a_plugin_event_reaches_the_owner(plugins: PluginStack) -> None:
    seen = plugins.watcher.mark()
    assert plugins.ask("announce the test event", site="office").speech == "Announced."
    event = plugins.watcher.wait_for("/plugin/eventful/office/announced", after=seen)
    assert event["plugin"] == "eventful" and event["name"] == "announced"
    assert event["data"] == {"count": 1, "word": "hello"}
    assert event["header"]["site"] == "office"
