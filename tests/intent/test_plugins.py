"""The plugin host against real plugin packages installed with pip and found through their entry
points: discovery, enable and disable, a plugin that fails to import, raises, hangs or returns
garbage, two that claim one intent, the vocabulary following the plugins, and the scaffold."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from hearth import identity
from hearth.settings import CommonSettings
from hearth_intent.demo_home import DEMO_AREAS, DEMO_DEVICES
from hearth_intent.intent_metrics import PLUGIN_ERRORS
from hearth_intent.matcher import IntentMatcher
from hearth_intent.plugin_host import NoPolicy, PluginRuntime
from hearth_intent.plugin_loading import PluginConflict, PluginSet
from hearth_intent.service import IntentService
from hearth_intent.settings import IntentSettings, PluginSelection
from tests import plugin_packages
from tests.support import REPO, child_env


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return plugin_packages.install(
        tmp_path_factory.mktemp("plugins") / "site",
        plugin_packages.EXAMPLE,
        plugin_packages.MISBEHAVING,
    )


@pytest.fixture
def installed(site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(site_dir))
    return site_dir


def errors(plugin: str, kind: str) -> float:
    return PLUGIN_ERRORS.labels(plugin, kind)._value.get()


def loaded(*enabled: str) -> PluginSet:
    plugins = PluginSet(PluginSelection(enabled=enabled))
    plugins.load()
    return plugins


def test_plugins_are_found_through_their_entry_points(installed: Path) -> None:
    broken_before = errors("broken", "import")
    plugins = loaded("time", "shopping", "raising", "broken")
    assert plugins.running() == ["privacy", "raising", "shopping", "time"]
    assert plugins.records["shopping"].source.endswith("(hearth-shopping-list 0.1.0)")
    assert not plugins.records["hanging"].enabled, "installed, not enabled, not loaded"
    assert plugins.manager.get_plugin("hanging") is None
    assert plugins.records["broken"].problems == ["import: ModuleNotFoundError at broken.py:3"]
    assert errors("broken", "import") == broken_before + 1


def test_disabled_wins_and_privacy_cannot_be_disabled(installed: Path) -> None:
    plugins = PluginSet(PluginSelection(enabled=("time", "shopping"), disabled=("shopping",)))
    plugins.load()
    assert plugins.running() == ["privacy", "time"]
    with pytest.raises(ValueError, match="privacy cannot be disabled"):
        PluginSelection(disabled=("privacy",))


def test_two_plugins_claiming_one_intent_is_an_error_naming_both(installed: Path) -> None:
    plugins = loaded("clash-a", "clash-b")
    with pytest.raises(
        PluginConflict, match="TestClash is claimed by both plugin clash-a and plugin clash-b"
    ):
        plugins.collect_handlers()


def test_the_service_does_not_start_with_two_claimants(site_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "hearth.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp_path / "data"),
                "intent": {"metrics_port": 0, "plugins": {"enabled": ["clash-a", "clash-b"]}},
            }
        )
    )
    env = {**child_env(), "PYTHONPATH": str(site_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "hearth_intent", "--config", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "claimed by both plugin clash-a and plugin clash-b" in result.stderr + result.stdout


@pytest.fixture
def runtime(installed: Path) -> Iterator[tuple[PluginRuntime, IntentMatcher]]:
    plugins = loaded("time", "raising", "hanging", "garbage", "broken")

    async def nothing(*_: object) -> None:
        return None

    runtime = PluginRuntime(
        plugins,
        language="en",
        sites=("kitchen",),
        settings={},
        timeout_s=0.5,
        data_root=installed,
        publish=nothing,
        refresh=nothing,
    )
    asyncio.run(runtime.start())
    matcher = IntentMatcher(
        "en",
        intents=None,
        areas=DEMO_AREAS,
        devices=DEMO_DEVICES,
        plugins=plugins.collect_sentences("en"),
    )
    yield runtime, matcher


def answer(runtime: PluginRuntime, matcher: IntentMatcher, text: str) -> str:
    match = matcher.recognize(text)
    assert match is not None, text

    async def handle() -> str:
        response = await runtime.handle(
            match,
            site="kitchen",
            session_id="s",
            now=datetime.now().astimezone(),
            privacy=NoPolicy(),
        )
        assert response is not None
        return response.speech

    return asyncio.run(handle())


@pytest.mark.parametrize(
    ("plugin", "text", "kind"),
    [
        ("raising", "make the plugin raise", "handler_error"),
        ("hanging", "make the plugin hang", "handler_timeout"),
        ("garbage", "make the plugin return garbage", "bad_response"),
    ],
)
def test_a_failing_handler_is_an_apology_a_log_line_and_a_count(
    runtime: tuple[PluginRuntime, IntentMatcher],
    caplog: pytest.LogCaptureFixture,
    plugin: str,
    text: str,
    kind: str,
) -> None:
    before = errors(plugin, kind)
    with caplog.at_level(logging.ERROR):
        assert answer(*runtime, text) == f"Sorry, something went wrong with {plugin}."
    assert errors(plugin, kind) == before + 1
    assert f"plugin {plugin} failed ({kind})" in caplog.text
    assert text not in caplog.text, "the user's words are never logged"
    assert answer(*runtime, "what time is it").startswith("It is "), "the others answer on"


def test_a_plugin_event_needs_a_known_site_and_a_plain_name(tmp_path: Path) -> None:
    service = IntentService(CommonSettings(data_dir=tmp_path), IntentSettings())
    with pytest.raises(ValueError, match="unknown site"):
        asyncio.run(service.publish_plugin_event("shopping", "attic", "changed", {}))
    with pytest.raises(ValueError, match="event name"):
        asyncio.run(service.publish_plugin_event("shopping", "kitchen", "a/b", {}))


def test_enabling_a_plugin_changes_the_vocabulary_stt_gets(installed: Path, tmp_path: Path) -> None:
    identity.ensure_secrets(tmp_path / "secrets", ())

    async def vocabulary(*enabled: str) -> tuple[str, tuple[str, ...]]:
        settings = IntentSettings(
            plugins=PluginSelection(enabled=enabled), max_vocabulary_sentences=400
        )
        service = IntentService(CommonSettings(data_dir=tmp_path), settings)
        await service.setup()
        await service.teardown()
        return service.vocabulary.version, tuple(service.vocabulary.sentences)

    without, sentences_without = asyncio.run(vocabulary("time"))
    with_shopping, sentences_with = asyncio.run(vocabulary("time", "shopping"))
    assert without != with_shopping
    assert "add milk to my shopping list" in sentences_with
    assert "add milk to my shopping list" not in sentences_without
    assert "stop listening" in sentences_with and "stop listening" in sentences_without


def test_a_refresh_rebuilds_the_vocabulary_and_bridges_see_every_command(
    installed: Path, tmp_path: Path
) -> None:
    identity.ensure_secrets(tmp_path / "secrets", ())
    published: list[str] = []
    background_before = errors("refreshing", "background")

    async def run() -> tuple[str, list[str], str, list[str]]:
        settings = IntentSettings(
            plugins=PluginSelection(enabled=("refreshing", "observer")),
            max_vocabulary_sentences=400,
        )
        service = IntentService(CommonSettings(data_dir=tmp_path), settings)
        service.bus.publish = lambda topic, *_, **__: published.append(topic)  # type: ignore[method-assign]
        await service.setup()
        first, first_sentences = service.vocabulary.version, list(service.vocabulary.sentences)
        _, learned = await service.understand("learn a new word", site="kitchen", spoken=False)
        assert learned is not None and learned.speech == "Learned banana."
        _, said = await service.understand("say banana", site="kitchen", spoken=False)
        assert said is not None and said.speech == "banana"
        assert await service.understand("open the pod bay doors", site="kitchen") == (None, None)
        await asyncio.sleep(0.2)  # observers run after the answer
        await service.teardown()
        return (
            first,
            first_sentences,
            service.vocabulary.version,
            list(service.vocabulary.sentences),
        )

    first, first_sentences, now, sentences = asyncio.run(run())
    assert "say banana" not in first_sentences and "say banana" in sentences and first != now
    observer = sys.modules["hearth_test_plugins.misbehaving"].OBSERVER
    assert ("recognized", "TestLearn", "Learned banana.") in observer.seen
    assert ("not_recognized", "kitchen", "") in observer.seen
    assert "hermes/intent/TestSay" in published
    assert errors("refreshing", "background") == background_before + 1


def test_the_example_passes_its_own_tests_installed_with_pip(site_dir: Path) -> None:
    env = {**child_env(), "PYTHONPATH": str(site_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
        + [str(plugin_packages.EXAMPLE / "tests")],
        capture_output=True,
        text=True,
        env=env,
        cwd=plugin_packages.EXAMPLE,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_scaffolded_plugin_passes_its_own_test(tmp_path: Path) -> None:
    """`hearth plugins new`, then the package's own test, as it was written (PYTHONPATH instead
    of `pip install -e`: the same code, seconds faster)."""
    target = tmp_path / "hearth-hello"
    made = subprocess.run(
        [sys.executable, "-m", "hearth", "plugins", "new", "hello", "--dir", str(target)],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    assert (target / "pyproject.toml").read_text().count('hello = "hearth_hello.plugin"') == 1
    env = {**child_env(), "PYTHONPATH": os.pathsep.join([str(target), str(REPO)])}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
        + [str(target / "tests")],
        capture_output=True,
        text=True,
        env=env,
        cwd=target,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
