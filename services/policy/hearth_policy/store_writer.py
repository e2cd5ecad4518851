"""The one way policy writes to its store: in a thread; a full store stops storing, never serving.

Every write may append audit entries, so the audit metrics and the retained audit head follow
each write here; whoever writes need not remember to.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from hearth import events, metrics, topics
from hearth.bus import Bus
from hearth.v1 import events_pb2
from hearth_policy import SERVICE
from hearth_policy import policy_metrics as pm
from hearth_policy.audit import AuditHead
from hearth_policy.audit_checkpoint import AuditCheckpoint
from hearth_policy.store import PolicyStore, StoreFull

log = logging.getLogger(__name__)
T = TypeVar("T")


class StoreWriter:
    def __init__(
        self,
        store: PolicyStore,
        bus: Bus,
        checkpoint: AuditCheckpoint | None = None,
        seen_heads: tuple[tuple[AuditHead, str], ...] = (),
    ) -> None:
        self.store = store
        self.bus = bus
        self.checkpoint = checkpoint
        """Where the head goes after every write that appended to the chain."""
        self.seen_heads = seen_heads
        """Heads seen outside the database when policy started (the checkpoint): every later
        verification checks that the chain still holds them."""
        self.writable = True
        """False once a write found the store (or its disk) full, until storing resumes."""
        self._published_length = store.head().length

    async def write(self, change: Callable[[PolicyStore], T], what: str) -> T | None:
        """The change's result, or None when the store is full (logged once, counted each time)."""
        try:
            result = await asyncio.to_thread(self._apply, change)
        except StoreFull as exc:
            if self.writable:
                log.error(
                    "%s; storing has stopped (%s refused), serving goes on (mute, sessions)",
                    exc,
                    what,
                )
            self.writable = False
            pm.STORE_WRITABLE.set(0)
            metrics.ERRORS.labels(SERVICE, "store_full").inc()
            return None
        self.publish_head()
        return result

    def _apply(self, change: Callable[[PolicyStore], T]) -> T:
        """The change, then the checkpoint of the head it moved (in the same thread)."""
        before = self.store.head()
        result = change(self.store)
        head = self.store.head()
        if self.checkpoint is not None and head != before:
            try:
                self.checkpoint.write(head)
            except OSError as exc:
                log.error("audit checkpoint %s not written: %s", self.checkpoint.path, exc)
                metrics.ERRORS.labels(SERVICE, "audit_checkpoint").inc()
        return result

    def storing_resumed(self, why: str) -> None:
        """Items were stored, or deleted to make room: storing is (again) possible."""
        if not self.writable:
            log.info("storing resumes (%s)", why)
        self.writable = True
        pm.STORE_WRITABLE.set(1)

    def publish_head(self, always: bool = False) -> None:
        """Metrics and the retained head follow every new audit entry (a reconnect republishes)."""
        head = self.store.head()
        appended = head.length - self._published_length
        if not appended and not always:
            return
        pm.AUDIT_ENTRIES.inc(max(0, appended))
        self._published_length = head.length
        pm.AUDIT_LENGTH.set(head.length)
        pm.AUDIT_HEAD.set(head.as_number)
        if self.bus.connected:
            self.bus.publish(
                topics.AUDIT_HEAD.topic(),
                events_pb2.AuditHeadState(
                    header=events.header(SERVICE),
                    length=head.length,
                    head=head.hash,
                    at=events.timestamp_from_seconds(head.at) if head.at else None,
                ),
                retain=True,
            )

    def show_chain(self, ok: bool, head: AuditHead) -> None:
        """The result of a chain check, in the metrics."""
        pm.AUDIT_VALID.set(int(ok))
        pm.AUDIT_LENGTH.set(head.length)
        pm.AUDIT_HEAD.set(head.as_number)
