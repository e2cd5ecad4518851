"""The shopping-list plugin: its sentences, its handlers, and its list under the host's data
directory. It imports only `hearth.plugins` (and itself).

Settings (`intent.plugin_settings.shopping`): `keep_days` (how long an item stays, default 30)
and `items` (more things it should understand, besides those in sentences/en.yaml).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path

from hearth.plugins import Handler, IntentContext, PluginHost, Response, hookimpl
from hearth_shopping.shopping_list import ShoppingList

SENTENCES = Path(__file__).parent / "sentences"
DAY_S = 86_400.0


class ShoppingListPlugin:
    def __init__(self) -> None:
        self.list: ShoppingList | None = None
        self.extra_items: tuple[str, ...] = ()

    @hookimpl
    def hearth_sentences(self, language: str) -> str | None:
        path = SENTENCES / f"{language}.yaml"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    @hookimpl
    def hearth_slot_lists(self, language: str) -> Mapping[str, Sequence[str]] | None:
        return {"item": self.extra_items} if self.extra_items else None

    @hookimpl
    async def hearth_start(self, host: PluginHost) -> None:
        keep_days = float(host.settings.get("keep_days", 30))
        self.extra_items = tuple(str(item).lower() for item in host.settings.get("items", ()))
        self.list = ShoppingList(host.data_dir() / "list.json", keep_days * DAY_S)

    @hookimpl
    def hearth_handlers(self) -> Mapping[str, Handler]:
        return {
            "ShoppingListAdd": self.add,
            "ShoppingListRemove": self.remove,
            "ShoppingListRead": self.read,
        }

    async def add(self, context: IntentContext) -> Response:
        item = str(context.value("item"))
        if not await asyncio.to_thread(self._list().add, item):
            return Response(f"{item.capitalize()} is already on your shopping list.")
        await self._changed(context)
        return Response(f"Added {item} to your shopping list.")

    async def remove(self, context: IntentContext) -> Response:
        item = str(context.value("item"))
        if not await asyncio.to_thread(self._list().remove, item):
            return Response(f"{item.capitalize()} is not on your shopping list.")
        await self._changed(context)
        return Response(f"Removed {item} from your shopping list.")

    async def read(self, context: IntentContext) -> Response:
        items = await asyncio.to_thread(self._list().items)
        if not items:
            return Response("Your shopping list is empty.", data={"items": []})
        spoken = items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
        return Response(f"On your shopping list: {spoken}.", data={"items": items})

    async def _changed(self, context: IntentContext) -> None:
        items = await asyncio.to_thread(self._list().items)
        await context.publish("changed", {"items": items})

    def _list(self) -> ShoppingList:
        if self.list is None:
            raise RuntimeError("the plugin was not started")
        return self.list


PLUGIN = ShoppingListPlugin()
