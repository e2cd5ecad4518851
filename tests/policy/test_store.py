"""The policy store against real SQLite files: retention, forgetting, the audit chain, a full
store, and a corrupt file. Pure storage logic; the running service is tested in
tests/stack/test_privacy.py."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from hearth_policy.store import ForgetScope, NewItem, PolicyStore, StoreError, StoreFull
from tests.policy.fakes import AUDIT_KEY


def _session(
    site: str, session_id: str, text: str = "turn on the kitchen light", transcript_s: float = 3600
) -> list[NewItem]:
    return [
        NewItem("session", site, session_id, 3600, outcome="intent"),
        NewItem("transcript", site, session_id, transcript_s, text=text),
        NewItem(
            "intent", site, session_id, 3600, text="HassTurnOn", slots={"name": "kitchen light"}
        ),
    ]


@pytest.fixture
def store(tmp_path: Path) -> PolicyStore:
    return PolicyStore(tmp_path / "policy.db", audit_key=AUDIT_KEY)


def test_expired_items_are_purged_and_the_purge_is_audited(store: PolicyStore) -> None:
    store.keep(_session("kitchen", "a", transcript_s=0.05))
    time.sleep(0.1)
    removed = store.purge(audit_retention_s=3600)
    assert removed == {"transcript": 1}
    held = {item.retention_class for item in store.export(None, "test")}
    assert held == {"session", "intent"}
    assert store.verify().ok


def test_forget_last_session_spares_the_asking_session_and_other_sites(store: PolicyStore) -> None:
    store.keep(_session("kitchen", "first"))
    store.keep(_session("bedroom", "elsewhere"))
    store.keep(_session("kitchen", "second"))
    store.keep([NewItem("session", "kitchen", "asking", 3600, outcome="intent")])
    result = store.forget(
        "kitchen", ForgetScope(last_session=True, exclude_session_id="asking"), "voice"
    )
    assert result.sessions == 1 and sum(result.deleted_per_class.values()) == 3
    left = {(item.site, item.session_id) for item in store.export(None, "test")}
    assert ("kitchen", "second") not in left
    assert {("kitchen", "first"), ("bedroom", "elsewhere"), ("kitchen", "asking")} <= left


def test_forget_a_time_range_and_an_unknown_site(store: PolicyStore) -> None:
    store.keep(_session("kitchen", "old"))
    cut = time.time()
    time.sleep(0.01)
    store.keep(_session("kitchen", "new"))
    result = store.forget(None, ForgetScope(since=cut), "cli")
    assert result.sessions == 1
    assert {item.session_id for item in store.export(None, "test")} == {"old"}
    nothing = store.forget("attic", ForgetScope(everything=True), "cli")
    assert nothing.sessions == 0 and nothing.deleted_per_class == {}


def test_two_forgets_at_once_delete_each_item_once(store: PolicyStore) -> None:
    for n in range(50):
        store.keep(_session("kitchen", f"s{n}"))
    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(store.forget(None, ForgetScope(everything=True), "cli"))
        )
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sum(r.deleted_per_class.values()) for r in results) == [0, 150]
    assert store.export(None, "test") == []
    assert store.verify().ok


def test_reads_exports_and_mute_changes_are_audited(store: PolicyStore) -> None:
    store.keep(_session("kitchen", "a"))
    before = store.head().length
    assert store.last_transcript("kitchen", "", "voice") is not None
    store.export("kitchen", "cli")
    store.set_mute("kitchen", True, "cli")
    assert store.head().length == before + 3
    assert store.mute_history()[0][:2] == ("kitchen", True)


def _tamper(path: Path, sql: str) -> None:
    db = sqlite3.connect(path)
    db.execute(sql)
    db.commit()
    db.close()


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("UPDATE audit SET count = 99 WHERE seq = 3", "entry 3 was edited"),
        ("DELETE FROM audit WHERE seq = 3", "entry 3 is missing"),
        (
            "UPDATE audit SET action = (SELECT action FROM audit WHERE seq = 2), hash = (SELECT "
            "hash FROM audit WHERE seq = 2),"
            " prev = (SELECT prev FROM audit WHERE seq = 2), at = (SELECT at FROM audit WHERE seq "
            "= 2),"
            " class = (SELECT class FROM audit WHERE seq = 2), site = (SELECT site FROM audit "
            "WHERE seq = 2) WHERE seq = 4",
            "entry 4",
        ),
        ("DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)", "removed from the end"),
    ],
    ids=["edited", "deleted", "reordered", "truncated"],
)
def test_verify_names_the_tampered_entry(tmp_path: Path, sql: str, problem: str) -> None:
    store = PolicyStore(tmp_path / "policy.db", audit_key=AUDIT_KEY)
    for n in range(3):
        store.keep(_session("kitchen", f"s{n}"))
    assert store.verify().ok
    _tamper(tmp_path / "policy.db", sql)
    check = store.verify()
    assert not check.ok
    assert problem in check.problem


def test_old_audit_entries_are_pruned_and_the_chain_still_verifies(store: PolicyStore) -> None:
    store.keep(_session("kitchen", "a"))
    length = store.head().length
    removed = store.purge(audit_retention_s=60, now=time.time() + 120)
    assert removed["audit"] == length - 1, "all but the newest entry are past the audit's retention"
    check = store.verify()
    assert check.ok, check.problem
    assert check.entries == 2 and store.head().length == length + 1, (
        "the newest entry and the pruning's own entry remain"
    )


def test_a_full_store_refuses_writes_but_still_reads_and_deletes(tmp_path: Path) -> None:
    store = PolicyStore(tmp_path / "policy.db", max_bytes=64 * 1024, audit_key=AUDIT_KEY)
    with pytest.raises(StoreFull):
        for n in range(10_000):
            store.keep(_session("kitchen", f"s{n}", text="x" * 200))
    assert store.verify().ok
    held = len(store.export(None, "test"))
    assert held > 0
    assert store.set_mute("kitchen", True, "cli").muted, (
        "a mute change is recorded even when the store is full"
    )
    assert store.mute_states()["kitchen"].muted
    result = store.forget(None, ForgetScope(everything=True), "cli")
    assert sum(result.deleted_per_class.values()) == held
    assert store.verify().ok


def test_corrupt_store_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "policy.db"
    garbage = b"this is not a database, it is the owner's file" * 100
    path.write_bytes(garbage)
    with pytest.raises(StoreError, match="unreadable"):
        PolicyStore(path, audit_key=AUDIT_KEY)
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy.db"]


def test_store_from_a_newer_hearth_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "policy.db"
    PolicyStore(path, audit_key=AUDIT_KEY).close()
    _tamper(path, "PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer Hearth"):
        PolicyStore(path, audit_key=AUDIT_KEY)


def test_version_one_store_is_migrated_keeping_mute(tmp_path: Path) -> None:
    path = tmp_path / "policy.db"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE mute (site TEXT PRIMARY KEY, muted INTEGER NOT NULL, changed_at REAL NOT "
        "NULL, changed_by TEXT NOT NULL);"
        "INSERT INTO mute VALUES ('kitchen', 1, 1.0, 'cli'); PRAGMA user_version = 1;"
    )
    db.close()
    store = PolicyStore(path, audit_key=AUDIT_KEY)
    assert store.mute_states()["kitchen"].muted
    store.keep(_session("kitchen", "a"))
    assert store.verify().ok


def test_a_change_of_the_privacy_settings_is_audited_once(store: PolicyStore) -> None:
    assert store.record_settings({"transcript_s": 86400.0}, "config")
    assert not store.record_settings({"transcript_s": 86400.0}, "config"), (
        "unchanged settings add no entry"
    )
    length = store.head().length
    assert store.record_settings({"transcript_s": 3600.0}, "config")
    assert store.head().length == length + 1
    assert store.verify().ok


def _unkeyed_version_three_store(path: Path) -> None:
    """A store as Hearth wrote it before the audit key: plain SHA-256 entries, schema 3."""
    import hashlib
    import json

    store = PolicyStore(path, audit_key=AUDIT_KEY)
    store.keep(_session("kitchen", "old"))
    store.close()
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT seq, at, action, class, site, count, actor, detail FROM audit ORDER BY seq"
    ).fetchall()
    prev = "0" * 64
    for row in rows:
        body = json.dumps(list(row), separators=(",", ":"))
        digest = hashlib.sha256(f"{prev}|{body}".encode()).hexdigest()
        db.execute("UPDATE audit SET prev = ?, hash = ? WHERE seq = ?", (prev, digest, row[0]))
        prev = digest
    db.execute("DELETE FROM settings WHERE key = 'audit_keyed_from'")
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()


def test_an_unkeyed_chain_is_kept_and_continued_with_keyed_entries(tmp_path: Path) -> None:
    path = tmp_path / "policy.db"
    _unkeyed_version_three_store(path)
    store = PolicyStore(path, audit_key=AUDIT_KEY)
    assert store.verify().ok, "the entries from before the key still verify"
    store.keep(_session("kitchen", "new"))
    assert store.verify().ok
    store.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE settings SET value = '999' WHERE key = 'audit_keyed_from'")
    assert not PolicyStore(path, audit_key=AUDIT_KEY).verify().ok, (
        "moving the start of the keyed entries makes the keyed ones fail as unkeyed"
    )


def test_a_chain_recomputed_without_the_key_does_not_verify(store: PolicyStore) -> None:
    store.keep(_session("kitchen", "a"))
    other = PolicyStore(store.path, audit_key=b"another key, not the audit key!!")
    assert not other.verify().ok


def test_an_existing_store_readable_by_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "policy.db"
    PolicyStore(path, audit_key=AUDIT_KEY).close()
    path.parent.chmod(0o755)
    path.chmod(0o644)
    store = PolicyStore(path, audit_key=AUDIT_KEY)
    store.keep(_session("kitchen", "a"))
    for file in (path, path.with_name("policy.db-wal"), path.with_name("policy.db-shm")):
        assert file.stat().st_mode & 0o077 == 0, file
    assert path.parent.stat().st_mode & 0o077 == 0
