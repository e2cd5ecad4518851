"""Mute and capture grants, without a broker: who may capture, and mute holding when the store is
full."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from hearth import topics
from hearth.v1 import events_pb2
from hearth_policy.mute import MuteControl, MuteNotStored
from hearth_policy.store import MuteRecord, PolicyStore, StoreFull
from hearth_policy.store_writer import StoreWriter
from tests.policy.fakes import AUDIT_KEY, RecordingBus, Rejections, as_bus, writer


def _mute(tmp: Path, bus: RecordingBus, muted: bool = False) -> MuteControl:
    records = {
        "kitchen": MuteRecord("kitchen", muted, 0.0, "default"),
        "office": MuteRecord("office", False, 0.0, "default"),
    }
    return MuteControl(records, writer(tmp, bus), as_bus(bus), Rejections())


def test_capture_is_refused_for_an_unknown_or_muted_site_and_when_the_broker_is_lost(
    tmp_path: Path,
) -> None:
    bus = RecordingBus(connected=True)
    mute = _mute(tmp_path, bus, muted=True)
    assert mute.capture_refusal("garage") == "unknown site"
    assert mute.capture_refusal("kitchen") == "muted"
    assert mute.capture_refusal("office") == ""
    bus.connected = False
    assert "lost the broker" in mute.capture_refusal("office")


def test_a_mute_holds_in_memory_and_is_published_when_the_store_is_full(tmp_path: Path) -> None:
    class FullStore(PolicyStore):
        def set_mute(self, site: str, muted: bool, changed_by: str) -> MuteRecord:
            raise StoreFull("the store is full")

    bus = RecordingBus()
    full = StoreWriter(FullStore(tmp_path / "policy.db", audit_key=AUDIT_KEY), as_bus(bus))
    mute = MuteControl(
        {"kitchen": MuteRecord("kitchen", False, 0.0, "default")}, full, as_bus(bus), Rejections()
    )
    with pytest.raises(MuteNotStored):
        asyncio.run(mute.set_mute("kitchen", True, "test"))
    assert mute.capture_refusal("kitchen") == "muted"
    assert not full.writable
    assert bus.topics() == [topics.MUTE_STATE.topic("kitchen")]


def test_a_mute_command_for_an_unknown_site_is_rejected(tmp_path: Path) -> None:
    bus = RecordingBus()
    rejections = Rejections()
    mute = MuteControl(
        {"kitchen": MuteRecord("kitchen", False, 0.0, "default")},
        writer(tmp_path, bus),
        as_bus(bus),
        rejections,
    )
    asyncio.run(
        mute.on_mute_command(
            topics.MUTE_COMMAND.topic("garage"), events_pb2.MuteCommand(muted=True)
        )
    )
    assert rejections.seen == [("mute_command", "unknown_site")]
    assert bus.published == []


def test_other_sites_listening_are_counted_while_their_streams_are_open(tmp_path: Path) -> None:
    mute = _mute(tmp_path, RecordingBus())
    assert not mute.others_listening("kitchen")
    with mute.listening("office"):
        assert mute.others_listening("kitchen")
        assert not mute.others_listening("office")
    assert not mute.others_listening("kitchen")


def test_a_fresh_store_starts_the_configured_sites_unmuted_and_audits_it(tmp_path: Path) -> None:
    store = PolicyStore(tmp_path / "policy.db", audit_key=AUDIT_KEY)
    start = store.start_sites(("kitchen", "office"))
    assert {site: r.muted for site, r in start.records.items()} == {
        "kitchen": False,
        "office": False,
    }
    assert start.initialised == ["kitchen", "office"] and start.muted_without_state == []
    assert [(site, muted) for site, muted, _, _ in store.mute_history()] == [
        ("office", False),
        ("kitchen", False),
    ]
    assert store.verify().ok


def test_a_site_without_stored_state_starts_muted(tmp_path: Path) -> None:
    path = tmp_path / "policy.db"
    store = PolicyStore(path, audit_key=AUDIT_KEY)
    store.start_sites(("kitchen", "office"))
    store.close()
    db = sqlite3.connect(path)
    db.execute("DELETE FROM mute WHERE site = 'kitchen'")
    db.commit()
    db.close()
    store = PolicyStore(path, audit_key=AUDIT_KEY)
    start = store.start_sites(("kitchen", "office", "garage"))
    assert start.initialised == []
    assert start.muted_without_state == ["garage", "kitchen"]
    assert {site: r.muted for site, r in start.records.items()} == {
        "kitchen": True,
        "office": False,
        "garage": True,
    }
    store.close()
    again = PolicyStore(path, audit_key=AUDIT_KEY).start_sites(("kitchen", "office", "garage"))
    assert again.records["garage"].muted and again.muted_without_state == [], "stored muted"


def test_a_mute_that_cannot_be_stored_holds_but_is_not_acknowledged(tmp_path: Path) -> None:
    class FullStore(PolicyStore):
        def set_mute(self, site: str, muted: bool, changed_by: str) -> MuteRecord:
            raise StoreFull("the store is full")

    bus = RecordingBus()
    full = StoreWriter(FullStore(tmp_path / "policy.db", audit_key=AUDIT_KEY), as_bus(bus))
    mute = MuteControl(
        {"kitchen": MuteRecord("kitchen", False, 0.0, "default")}, full, as_bus(bus), Rejections()
    )
    with pytest.raises(MuteNotStored):
        asyncio.run(
            mute.on_mute_command(
                topics.MUTE_COMMAND.topic("kitchen"), events_pb2.MuteCommand(muted=True)
            )
        )
    assert mute.capture_refusal("kitchen") == "muted"
