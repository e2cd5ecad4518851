"""The timers plugin's hooks: sentences, the handlers, and the timers' life across the intent
service's (restored at start, stored after every change, rung from a background task, said aloud
until acknowledged)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from hearth.plugins import Handler, PluginHost, SpeechFinished, hookimpl
from hearth_intent.plugins.timer.book import Clock, Timer, TimerBook
from hearth_intent.plugins.timer.commands import TimerCommands
from hearth_intent.plugins.timer.ringer import Ringer
from hearth_intent.plugins.timer.rings import RINGING_SINCE, Ring, Rings
from hearth_intent.plugins.timer.settings import (
    DEFAULT_GRACE_S,
    DEFAULT_RING_INTERVAL_S,
    DEFAULT_RING_LIMIT_S,
    TimerSettings,
)
from hearth_intent.plugins.timer.speech import ringing
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
        self.rings = Rings(clock, interval_s=DEFAULT_RING_INTERVAL_S, limit_s=DEFAULT_RING_LIMIT_S)
        self.commands = TimerCommands(self.book, self.rings, self._changed)
        self._host: PluginHost | None = None
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
        self.rings.interval_s = self.settings.ring_interval_s
        self.rings.limit_s = self.settings.ring_limit_s
        self._host = host
        self._store = ExpiringStore(host.data_dir() / STATE_FILE)
        now = self.book.clock()
        restored = await asyncio.to_thread(self._store.load, now)
        self._restore(restored, now, host)
        if restored:
            host.log.info(
                "Restored %d timer(s) and %d ringing", len(self.book.all()), len(self.rings.all())
            )
        self._ringer = Ringer(self.book, self.rings, host.publish, self._say, self._save, host.log)
        host.spawn(self._ringer.run(), "timer ringer")
        if self.settings.names:
            await host.refresh_sentences()  # the configured names join the slot list

    @hookimpl
    async def hearth_speech_finished(self, finished: SpeechFinished) -> None:
        """A ring the wake word was spoken over was heard: it stops."""
        if finished.outcome != "interrupted":
            return
        ring = self.rings.heard(finished.say_id)
        if ring is not None and self._host is not None:
            self._host.log.info(
                "Timer %s acknowledged at site %s (interrupted)", ring.timer.timer_id, ring.site
            )
            await self._changed()

    async def _say(self, ring: Ring) -> str:
        if self._host is None:
            raise RuntimeError("the timer plugin has not been started")
        return await self._host.say(ring.site, ringing(ring.timer), chime=True, purpose="timer")

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
            ] + [{**ring.to_record(), EXPIRES_AT: ring.ends_at} for ring in self.rings.all()]
            await asyncio.to_thread(store.save, entries)

    def _restore(self, entries: list[dict[str, Any]], now: float, host: PluginHost) -> None:
        """What was stored, and only that (a plugin started again in one process, as in tests,
        keeps nothing of its last run): timers back in the book, rings ringing again."""
        timers: list[Timer] = []
        rings: list[Ring] = []
        for entry in entries:
            try:
                if RINGING_SINCE in entry:
                    rings.append(Ring.from_record(entry, now))
                else:
                    timers.append(Timer.from_record(entry))
            except (KeyError, TypeError, ValueError):
                host.log.warning("Dropping a stored timer this version cannot read")
        self.book.load(timers, replace=True)
        self.rings.load(rings, replace=True)
