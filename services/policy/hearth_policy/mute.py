"""Mute per site, and whether a site may capture now.

Mute takes effect in memory before it is stored, so capture stops even when the disk is full; the
request is acknowledged (the gRPC reply, the MQTT PUBACK) only once it is stored, so a change
that was not stored is reported (gRPC) or delivered again after policy reconnects (MQTT).
Every open capture stream waits on one condition here and re-reads the state when a site is
muted or unmuted and when the broker comes or goes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from hearth import events, topics
from hearth.bus import Bus
from hearth.v1 import events_pb2
from hearth_policy import SERVICE, Reject
from hearth_policy import policy_metrics as pm
from hearth_policy.store import MuteRecord, SiteStart
from hearth_policy.store_writer import StoreWriter

log = logging.getLogger(__name__)


class MuteNotStored(Exception):
    """The change holds in memory (until policy restarts) but could not be stored."""


async def start_sites(writer: StoreWriter, sites: tuple[str, ...]) -> dict[str, MuteRecord]:
    """The mute state of every configured site; a site without stored state starts muted."""
    start = await writer.write(lambda store: store.start_sites(sites), "mute")
    if start is None:  # the store is full even for mute changes: decide in memory, fail closed
        stored = await asyncio.to_thread(writer.store.mute_states)
        missing = sorted(site for site in sites if site not in stored)
        records = {**stored, **_muted_now(missing)}
        start = SiteStart({site: records[site] for site in sites}, [], missing)
    if start.initialised:
        log.info("new store: sites %s start unmuted", ", ".join(start.initialised))
    for site in start.muted_without_state:
        log.warning(
            "site %s has no stored mute state (added to the configuration, or its state was "
            "removed from the store): it starts MUTED; `hearth unmute %s` opens it",
            site,
            site,
        )
        pm.MUTED_WITHOUT_STATE.labels(site).inc()
    return start.records


def _muted_now(sites: list[str]) -> dict[str, MuteRecord]:
    return {site: MuteRecord(site, True, time.time(), "policy (no stored state)") for site in sites}


class MuteControl:
    def __init__(
        self, records: dict[str, MuteRecord], writer: StoreWriter, bus: Bus, reject: Reject
    ) -> None:
        self.records = records
        """The mute state of every known site: the authority capture grants are read from."""
        self.writer = writer
        self.bus = bus
        self.reject = reject
        self._changed = asyncio.Condition()
        self._listening: dict[str, int] = {}
        """Open capture streams per site: the sites that could hear a command at the same time."""
        for record in records.values():
            pm.SITE_MUTED.labels(record.site).set(int(record.muted))

    def knows(self, site: str) -> bool:
        return site in self.records

    def muted_sites(self) -> list[str]:
        return sorted(site for site, record in self.records.items() if record.muted)

    async def on_mute_command(self, topic: str, command: events_pb2.MuteCommand) -> None:
        site = topics.site_of(topic) or ""
        if site not in self.records:
            self.reject("mute_command", "unknown_site", f"mute command for unknown site {site!r}")
            return
        await self.set_mute(site, command.muted, "mqtt")  # MuteNotStored: no PUBACK

    async def set_mute(self, site: str, muted: bool, changed_by: str) -> MuteRecord:
        """In memory first (capture stops even if the disk is full), then stored, then published;
        raises MuteNotStored after all that when it could not be stored."""
        record = MuteRecord(site, muted, time.time(), changed_by)
        self.records[site] = record
        pm.SITE_MUTED.labels(site).set(int(muted))
        await self.wake_capture_streams()
        stored = await self.writer.write(
            lambda store: store.set_mute(site, muted, changed_by), "mute"
        )
        log.info("site %s %s (by %s)", site, "muted" if muted else "unmuted", changed_by)
        self.publish(stored or record)
        if stored is None:
            log.error(
                "site %s: the mute change could not be stored; it holds until policy restarts", site
            )
            raise MuteNotStored(
                f"site {site} is {'muted' if muted else 'unmuted'} now, but the change could not "
                "be stored (the store is full), so it will not survive a restart of policy"
            )
        return stored

    def publish(self, record: MuteRecord) -> None:
        """The retained mute state of the record's site."""
        state = events_pb2.MuteState(
            header=events.header(SERVICE, site=record.site),
            muted=record.muted,
            changed_at=events.timestamp_from_seconds(record.changed_at)
            if record.changed_at
            else None,
            changed_by=record.changed_by,
        )
        self.bus.publish(topics.MUTE_STATE.topic(record.site), state, retain=True)

    def publish_all(self) -> None:
        for record in self.records.values():
            self.publish(record)

    # Capture grants.

    def capture_refusal(self, site: str) -> str:
        """Why the site may not capture now; empty when it may."""
        record = self.records.get(site)
        if record is None:
            return "unknown site"
        if record.muted:
            return "muted"
        if not self.bus.connected:
            return "policy has lost the broker, so mute commands cannot reach it"
        return ""

    async def wake_capture_streams(self) -> None:
        """Every capture stream re-reads the state: on a mute, and when the broker comes or goes."""
        async with self._changed:
            self._changed.notify_all()

    async def wait_for_change(self, timeout_s: float) -> None:
        """Returns on the next mute change (or broker change), or after timeout_s."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait(), timeout_s)
            except TimeoutError:
                pass

    @contextmanager
    def listening(self, site: str) -> Iterator[None]:
        """Counts an open capture stream of the site for as long as the block runs."""
        self._listening[site] = self._listening.get(site, 0) + 1
        try:
            yield
        finally:
            self._listening[site] -= 1
            if not self._listening[site]:
                del self._listening[site]

    def others_listening(self, site: str) -> bool:
        """Whether another site could hear the same command (so arbitration must wait for it)."""
        return any(count and other != site for other, count in self._listening.items())
