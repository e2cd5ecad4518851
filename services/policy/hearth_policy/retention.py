"""Expiry: items are removed on a timer, and the held-items gauges show what is kept now."""

from __future__ import annotations

import asyncio
import logging
import time

from hearth_policy import policy_metrics as pm
from hearth_policy.settings import RetentionSettings
from hearth_policy.store import RETENTION_CLASSES
from hearth_policy.store_writer import StoreWriter

log = logging.getLogger(__name__)


class Retention:
    def __init__(
        self, settings: RetentionSettings, writer: StoreWriter, sites: tuple[str, ...]
    ) -> None:
        self.settings = settings
        self.writer = writer
        self.sites = sites
        self.next_purge_at = 0.0
        """When the purge loop runs next (Unix time); 0 before its first run."""

    async def purge_forever(self) -> None:
        while True:
            self.next_purge_at = time.time() + self.settings.purge_interval_s
            await self.purge()
            await asyncio.sleep(max(0.0, self.next_purge_at - time.time()))

    async def purge(self) -> None:
        try:
            removed = await self.writer.write(
                lambda store: store.purge(self.settings.audit_s), "purge"
            )
        except Exception:
            log.exception("purge failed")
            pm.PURGE_FAILURES.inc()
            return
        if removed is None:  # the store was full; deleting should still be possible next time
            pm.PURGE_FAILURES.inc()
            return
        pm.LAST_PURGE.set(time.time())
        if any(removed.values()):
            self.writer.storing_resumed("expired items were purged")
        for retention_class, count in removed.items():
            if retention_class in RETENTION_CLASSES:
                pm.PURGED.labels(retention_class).inc(count)
        if any(removed.values()):
            log.info(
                "purged expired items: %s",
                ", ".join(f"{n} {c}" for c, n in sorted(removed.items())),
            )
        await self.refresh_held()

    async def refresh_held(self) -> None:
        """The held-items gauges, from one summary query (in a thread, like every store call)."""
        now = time.time()
        for summary in await asyncio.to_thread(self.writer.store.summary):
            for site in self.sites:
                pm.ITEMS_HELD.labels(summary.retention_class, site).set(
                    summary.items_per_site.get(site, 0)
                )
            pm.OLDEST_AGE.labels(summary.retention_class).set(
                now - summary.oldest if summary.oldest else 0
            )
