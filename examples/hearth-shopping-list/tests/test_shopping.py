"""The shopping list through Hearth's matcher and handlers, as the intent service runs it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from hearth_shopping.plugin import ShoppingListPlugin

from hearth_intent.plugin_testing import PluginTester


def test_add_read_remove(tmp_path: Path) -> None:
    with PluginTester(ShoppingListPlugin(), "shopping", data_dir=tmp_path) as tester:
        assert tester.ask("what is on my shopping list").speech == "Your shopping list is empty."
        assert tester.ask("add milk to my shopping list").speech == (
            "Added milk to your shopping list."
        )
        assert tester.ask("put eggs on the shopping list").speech == (
            "Added eggs to your shopping list."
        )
        assert tester.ask("add milk to my shopping list").speech == (
            "Milk is already on your shopping list."
        )
        assert tester.ask("what's on my shopping list").speech == (
            "On your shopping list: milk and eggs."
        )
        assert tester.ask("remove milk from my shopping list").speech == (
            "Removed milk from your shopping list."
        )
        assert tester.ask("what is on my shopping list").speech == "On your shopping list: eggs."
        assert [name for _, name, _ in tester.events] == ["changed"] * 3
        assert tester.events[-1][2] == {"items": ["eggs"]}
        assert "add milk to my shopping list" in tester.vocabulary()


def test_the_list_is_private_and_items_expire(tmp_path: Path) -> None:
    settings = {"keep_days": 0, "items": ["Oat Milk"]}
    with PluginTester(ShoppingListPlugin(), "shopping", data_dir=tmp_path, settings=settings) as t:
        assert t.ask("add oat milk to my shopping list").speech == (
            "Added oat milk to your shopping list."
        )
        directory = tmp_path / "plugins" / "shopping"
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert stat.S_IMODE((directory / "list.json").stat().st_mode) == 0o600
        assert t.ask("what is on my shopping list").speech == "Your shopping list is empty."
        assert json.loads((directory / "list.json").read_text()) == []
