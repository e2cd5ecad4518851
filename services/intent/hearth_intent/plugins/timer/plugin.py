"""The timers plugin's hooks: sentences, the handlers, and the timers' life across the intent
service's (restored at start, stored after every change, rung from a background task)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from hearth.plugins import Handler, PluginHost, hookimpl
from hearth_intent.plugins.timer.book import Clock, Timer, TimerBook
from hearth_intent.plugins.timer.commands import TimerCommands
from hearth_intent.plugins.timer.ringer import Ringer
from hearth_intent.plugins.timer.settings import DEFAULT_GRACE_S, TimerSettings
from hearth_intent.plugins.timer.store import EXPIRES_AT, ExpiringStore

SENTENCES_DIR = Path(__file__).parent / "sentences"
STATE_FILE = "timers.json"
NAMES_LIST = "timer_names"
"""The slot list of timer names the sentences use ({timer_names:name})."""


class TimerPlugin:
    """Timers per site, several at once, named; see docs/plugins.md, "Timers"."""

    def __init__(self, clock: Clock = time.time) -> None:
        self.settings = TimerSettings()
        self.book = TimerBook(clock, grace_s=DEFAULT_GRACE_S)
        self.commands = TimerCommands(self.book, self._changed)
        self._store: ExpiringStore | None = None
        self._ringer: Ringer | None = None
        self._save_lock = asyncio.Lock()

    @hookimpl
    def hearth_sentences(self, language: str) -> str | None:
        path = SENTENCES_DIR / f"{language}.yaml"
        return path.read_text(encoding="utf-8") if path.is_file() else None

    @hookimpl
    def hearth_slot_lists(self, language: str) -> Mapping[str, Sequence[str]] | None:
        if not (SENTENCES_DIR / f"{language}.yaml").is_file():
            return None
        return {NAMES_LIST: self.settings.all_names}

    @hookimpl
    def hearth_handlers(self) -> Mapping[str, Handler]:
        return self.commands.handlers()

    @hookimpl
    async def hearth_start(self, host: PluginHost) -> None:
        self.settings = TimerSettings.from_mapping(host.settings)
        self.book.grace_s = self.settings.grace_s
        self._store = ExpiringStore(host.data_dir() / STATE_FILE)
        restored = await asyncio.to_thread(self._store.load, self.book.clock())
        self.book.load(self._timers_from(restored, host))
        if restored:
            host.log.info("Restored %d timer(s)", len(self.book.all()))
        self._ringer = Ringer(self.book, host.publish, self._save, host.log)
        host.spawn(self._ringer.run(), "timer ringer")
        if self.settings.names:
            await host.refresh_sentences()  # the configured names join the slot list

    @hookimpl
    async def hearth_stop(self) -> None:
        if self._ringer is not None:
            self._ringer.stop()
        if self._store is not None:
            await self._save()

    async def _changed(self) -> None:
        if self._store is None:
            raise RuntimeError("the timer plugin has not been started")
        await self._save()
        if self._ringer is not None:
            self._ringer.wake()

    async def _save(self) -> None:
        """Write the book as it is now. Under a lock, so the last write holds the last state."""
        store = self._store
        if store is None:
            return
        async with self._save_lock:
            entries = [
                {**timer.to_record(), EXPIRES_AT: self.book.expires_at(timer)}
                for timer in self.book.all()
            ]
            await asyncio.to_thread(store.save, entries)

    @staticmethod
    def _timers_from(entries: list[dict[str, object]], host: PluginHost) -> list[Timer]:
        timers = []
        for entry in entries:
            try:
                timers.append(Timer.from_record(entry))
            except (KeyError, TypeError, ValueError):
                host.log.warning("Dropping a stored timer this version cannot read")
        return timers
