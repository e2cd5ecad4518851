"""The store's write guard: a full store stops storing without an exception reaching the caller,
and every write that appends to the audit shows in the retained audit head."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hearth import topics
from hearth_policy.store import MuteRecord, PolicyStore, StoreFull
from tests.policy.fakes import RecordingBus, writer


def test_a_full_store_stops_storing_until_storing_resumes(tmp_path: Path) -> None:
    def refused(store: PolicyStore) -> int:
        raise StoreFull("the store is full")

    bus = RecordingBus()
    guard = writer(tmp_path, bus)
    assert asyncio.run(guard.write(refused, "store")) is None
    assert not guard.writable
    guard.storing_resumed("items were deleted")
    assert guard.writable


def test_each_write_that_appends_to_the_audit_publishes_the_head(tmp_path: Path) -> None:
    bus = RecordingBus()
    guard = writer(tmp_path, bus)

    def mute(store: PolicyStore) -> MuteRecord:
        return store.set_mute("kitchen", True, "test")

    record = asyncio.run(guard.write(mute, "mute"))
    assert record is not None and record.muted
    assert bus.topics() == [topics.AUDIT_HEAD.topic()]
    asyncio.run(guard.write(lambda store: store.head(), "read"))
    assert bus.topics() == [topics.AUDIT_HEAD.topic()], "nothing appended, nothing published"
