"""The list itself: a small JSON file in the plugin's private directory, every item with an
expiry, nothing kept after it."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path


class ShoppingList:
    def __init__(self, path: Path, keep_s: float) -> None:
        self.path = path
        self.keep_s = keep_s

    def items(self) -> list[str]:
        """What is on the list now, oldest first (expired items are dropped)."""
        return [str(entry["item"]) for entry in self._load()]

    def add(self, item: str) -> bool:
        """False when it was already there."""
        entries = self._load()
        if any(entry["item"] == item for entry in entries):
            return False
        now = time.time()
        entries.append({"item": item, "added_at": now, "expires_at": now + self.keep_s})
        self._save(entries)
        return True

    def remove(self, item: str) -> bool:
        """False when it was not there."""
        entries = self._load()
        kept = [entry for entry in entries if entry["item"] != item]
        self._save(kept)
        return len(kept) != len(entries)

    def _load(self) -> list[dict[str, float | str]]:
        if not self.path.is_file():
            return []
        now = time.time()
        entries = json.loads(self.path.read_text(encoding="utf-8"))
        live = [entry for entry in entries if float(entry["expires_at"]) > now]
        if len(live) != len(entries):
            self._save(live)
        return live

    def _save(self, entries: list[dict[str, float | str]]) -> None:
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps(entries), encoding="utf-8")
        os.chmod(partial, 0o600)
        partial.replace(self.path)
