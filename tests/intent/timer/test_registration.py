"""The timer plugin is an ordinary plugin: named by the `timer` entry point, and its hooks are
the SDK's hook specifications (pluggy checks names and arguments)."""

from __future__ import annotations

import importlib
import tomllib

import pluggy

from hearth.plugins import PLUGIN_GROUP, PROJECT, hookspecs
from hearth_intent.plugins.timer import TimerPlugin, plugin
from tests.support import REPO


def test_the_timer_entry_point_names_the_plugin() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    target = project["entry-points"][PLUGIN_GROUP]["timer"]
    module, _, name = target.partition(":")
    assert getattr(importlib.import_module(module), name) is plugin


def test_its_hooks_are_the_sdks() -> None:
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(TimerPlugin(), name="timer")
    manager.check_pending()  # an unknown hook or a misspelt argument fails here
    [handlers] = manager.hook.hearth_handlers()
    assert "HassStartTimer" in handlers
    [sentences] = manager.hook.hearth_sentences(language="en")
    assert "HassTimerStatus" in sentences
    assert manager.hook.hearth_sentences(language="de") == []
