"""The timers' small store: atomic, private, and nothing returned past its expiry."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from hearth_intent.plugins.timer.store import ExpiringStore


def test_entries_come_back_until_they_expire(tmp_path: Path) -> None:
    store = ExpiringStore(tmp_path / "timers.json")
    assert store.load(now=100) == []
    store.save([{"id": "a", "expires_at": 200}, {"id": "b", "expires_at": 300.5}])
    assert [e["id"] for e in store.load(now=100)] == ["a", "b"]
    assert [e["id"] for e in store.load(now=200)] == ["b"]
    assert store.load(now=301) == []


def test_file_is_private_and_written_by_rename(tmp_path: Path) -> None:
    path = tmp_path / "timers.json"
    path.write_text("{}")
    path.chmod(0o644)
    ExpiringStore(path).save([{"id": "a", "expires_at": 200}])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timers.json"], "no temporary left"


def test_every_entry_needs_an_expiry(tmp_path: Path) -> None:
    store = ExpiringStore(tmp_path / "timers.json")
    with pytest.raises(ValueError):
        store.save([{"id": "a"}])
    assert not (tmp_path / "timers.json").exists()


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"version": 99, "entries": []}',
        '{"version": 1, "entries": {}}',
    ],
)
def test_unreadable_file_is_empty(tmp_path: Path, text: str) -> None:
    path = tmp_path / "timers.json"
    path.write_text(text)
    assert ExpiringStore(path).load(now=0) == []


def test_entries_without_a_usable_expiry_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "timers.json"
    path.write_text(
        '{"version": 1, "entries": [{"id": "a"}, {"id": "b", "expires_at": "soon"}, 3,'
        ' {"id": "c", "expires_at": 10}]}'
    )
    assert ExpiringStore(path).load(now=0) == [{"id": "c", "expires_at": 10}]
