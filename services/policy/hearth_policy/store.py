"""Policy's persistent state: SQLite in the data directory (WAL), versioned migrations.

It holds mute per site (so mute survives restarts of every service), the items Hearth keeps
about what was said (each with its own expiry), and the hash-chained audit of everything done
with them. Every method is one short transaction under one lock; callers run them in a thread.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hearth import private_files
from hearth_policy.audit import (
    AuditEntry,
    AuditHead,
    ChainCheck,
    ChainKey,
    check_chain,
    entry_hash,
)

SCHEMA_VERSION = 4
MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE mute (
        site TEXT PRIMARY KEY,
        muted INTEGER NOT NULL,
        changed_at REAL NOT NULL,
        changed_by TEXT NOT NULL
    );
    """,
    2: """
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        class TEXT NOT NULL,
        site TEXT NOT NULL,
        session_id TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        text TEXT NOT NULL DEFAULT '',
        slots TEXT NOT NULL DEFAULT '{}',
        outcome TEXT NOT NULL DEFAULT '',
        audio BLOB
    );
    CREATE INDEX items_by_expiry ON items(expires_at);
    CREATE INDEX items_by_site_time ON items(site, created_at);
    CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        action TEXT NOT NULL,
        class TEXT NOT NULL,
        site TEXT NOT NULL,
        count INTEGER NOT NULL,
        actor TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE audit_anchor (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    3: """
    ALTER TABLE items ADD COLUMN trigger TEXT NOT NULL DEFAULT 'wake_word';
    """,
    4: """
    INSERT INTO settings(key, value) SELECT 'audit_keyed_from',
        COALESCE(MAX(seq), (SELECT seq FROM audit_anchor), 0) + 1 FROM audit;
    """,
}
"""Version 4 keys the audit chain: entries from then on are HMAC-SHA256 with the audit key; the
entries before it keep their plain SHA-256 (the first keyed entry protects them)."""

RETENTION_CLASSES = ("audio", "transcript", "intent", "session")
"""What Hearth can keep: audio clips (only when the owner opts in), transcripts, intents, and the
session log (when a site woke and how it ended; no words)."""


class StoreError(Exception):
    """The store cannot be used; policy refuses to start rather than guess (mute must fail
    closed)."""


class StoreFull(StoreError):
    """The disk, or the store's configured size cap, is full: storing stops, serving goes on."""


@dataclass(frozen=True)
class MuteRecord:
    site: str
    muted: bool
    changed_at: float
    changed_by: str


@dataclass(frozen=True)
class SiteStart:
    """The mute state of the configured sites at start, and what had to be decided for them."""

    records: dict[str, MuteRecord]
    initialised: list[str]
    """Sites of a new store, stored unmuted (the owner's first start)."""
    muted_without_state: list[str]
    """Sites of an existing store that had no stored state, stored muted: a row removed behind
    policy's back, or a site added to the configuration, must not start listening silently."""


@dataclass(frozen=True)
class NewItem:
    """An item to keep; `retention_s` decides its expiry."""

    retention_class: str
    site: str
    session_id: str
    retention_s: float
    text: str = ""
    slots: dict[str, str] = field(default_factory=dict)
    outcome: str = ""
    audio: bytes | None = None
    trigger: str = "wake_word"
    """What opened the session: "wake_word", "push_to_talk" (a talk button) or "follow_up" (the
    reply to an answer that asked something back)."""


@dataclass(frozen=True)
class HeldItem:
    retention_class: str
    site: str
    session_id: str
    created_at: float
    expires_at: float
    text: str
    slots: dict[str, str]
    outcome: str
    audio: bytes | None


@dataclass(frozen=True)
class ClassSummary:
    retention_class: str
    items_per_site: dict[str, int]
    oldest: float | None

    @property
    def items(self) -> int:
        return sum(self.items_per_site.values())


@dataclass(frozen=True)
class DayCount:
    day: str
    site: str
    sessions: int
    probable_false_wakes: int
    push_to_talk: int = 0
    follow_ups: int = 0


@dataclass(frozen=True)
class ForgetScope:
    """Exactly one of: the last session, one session, a time range, everything."""

    last_session: bool = False
    session_id: str = ""
    only_class: str = ""
    since: float | None = None
    until: float | None = None
    everything: bool = False
    exclude_session_id: str = ""


@dataclass(frozen=True)
class ForgetResult:
    deleted_per_class: dict[str, int]
    sessions: int


FALSE_WAKE_OUTCOMES = ("not_recognized",)
RESERVE_PAGES = 64
"""Room beyond the size cap for everything except storing new items, so a full store can still
record mute changes, serve reads and exports, and delete (each with its audit entry)."""


class PolicyStore:
    """Small synchronous store; calls are quick and serialised by a lock."""

    def __init__(self, path: Path, max_bytes: int | None = None, *, audit_key: bytes) -> None:
        """audit_key: the key of the audit chain's HMAC, kept apart from the database."""
        self.path = path
        self._lock = threading.Lock()
        try:
            self._make_private()
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._make_private()
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate()
            keyed_from = self._db.execute(
                "SELECT value FROM settings WHERE key = 'audit_keyed_from'"
            ).fetchone()
            self._chain_key = ChainKey(audit_key, int(keyed_from[0]) if keyed_from else 1)
            self._max_pages: int | None = None
            if max_bytes is not None:
                page_size = int(self._db.execute("PRAGMA page_size").fetchone()[0])
                self._max_pages = max(1, max_bytes // page_size)
                self._db.execute(f"PRAGMA max_page_count = {self._max_pages}")
            self._head = self._read_head()
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreError(
                f"policy store {path} is unreadable ({exc}); move it aside to start fresh"
            ) from exc

    def _make_private(self) -> None:
        """The store's directory 0700, the database and its WAL files 0600: what was said is
        not for the other users of the machine (a store from an older Hearth was 0644)."""
        private_files.private_dir(self.path.parent)
        for suffix in ("", "-wal", "-shm"):
            private_files.make_private(self.path.with_name(self.path.name + suffix))
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, private_files.FILE_MODE))

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        self.created = version == 0
        """Whether this store was new when opened (its sites are initialised, not recovered)."""
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"policy store {self.path} is from a newer Hearth (schema {version} > "
                f"{SCHEMA_VERSION})"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            self._db.executescript(
                f"BEGIN; {MIGRATIONS[step]} PRAGMA user_version = {step}; COMMIT;"
            )

    @contextmanager
    def _transaction(self, reserve: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic change; a full disk becomes StoreFull and leaves the store as it was.

        Only storing new items (reserve=False) is held to the size cap."""
        with self._lock:
            head = self._head
            if self._max_pages is not None:
                self._db.execute(
                    f"PRAGMA max_page_count = {self._max_pages + (RESERVE_PAGES if reserve else 0)}"
                )
            try:
                self._db.execute("BEGIN IMMEDIATE")
                yield self._db
                self._db.execute("COMMIT")
            except BaseException as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                self._head = head
                if (
                    isinstance(exc, sqlite3.OperationalError)
                    and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
                ):
                    raise StoreFull(f"policy store {self.path} is full ({exc})") from exc
                raise

    # Audit.

    def _read_head(self) -> AuditHead:
        row = self._db.execute(
            "SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        if row is not None:
            return AuditHead(row[0], row[1], row[2])
        anchor = self._db.execute("SELECT seq, hash FROM audit_anchor").fetchone()
        return AuditHead(anchor[0], anchor[1], 0.0) if anchor else AuditHead.genesis()

    def _audit(
        self,
        db: sqlite3.Connection,
        action: str,
        retention_class: str,
        site: str,
        count: int,
        actor: str,
        detail: str = "",
    ) -> None:
        """Append one entry; only called inside a transaction, so an entry exists iff its change
        does."""
        seq = self._head.length + 1
        at = time.time()
        entry = AuditEntry(
            seq, at, action, retention_class, site, count, actor, detail, self._head.hash
        )
        digest = entry_hash(entry, self._chain_key.for_entry(seq))
        db.execute(
            "INSERT INTO audit(seq, at, action, class, site, count, actor, detail, prev, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, at, action, retention_class, site, count, actor, detail, entry.prev, digest),
        )
        self._head = AuditHead(seq, digest, at)

    def head(self) -> AuditHead:
        with self._lock:
            return self._head

    def verify(self, seen_heads: Sequence[tuple[AuditHead, str]] = ()) -> ChainCheck:
        """Recompute the whole chain from the stored entries; the head this process wrote last
        and every head in seen_heads (e.g. the checkpoint outside the database) must still be
        there, so entries removed from the end, or a chain rewritten from some entry, are found."""
        with self._lock:
            remembered = self._head
            anchor = self._db.execute("SELECT seq, hash FROM audit_anchor").fetchone()
            rows = self._db.execute(
                "SELECT seq, at, action, class, site, count, actor, detail, prev, hash FROM audit "
                "ORDER BY seq"
            ).fetchall()
        entries = [(AuditEntry(*row[:9]), row[9]) for row in rows]
        start = AuditHead(anchor[0], anchor[1], 0.0) if anchor else AuditHead.genesis()
        return check_chain(
            start, entries, self._chain_key, [(remembered, "this policy process"), *seen_heads]
        )

    def record_verify_failure(self, problem: str) -> None:
        """An entry saying the chain did not verify at start: the finding stays in the chain
        itself, after new entries have moved the checkpoint on."""
        with self._transaction() as db:
            self._audit(db, "verify", "", "", 0, "policy", problem[:300])

    def record_settings(self, settings: dict[str, object], actor: str) -> bool:
        """Audit a change of the privacy settings since the last start; True when they changed."""
        value = json.dumps(settings, sort_keys=True)
        with self._transaction(reserve=False) as db:
            row = db.execute("SELECT value FROM settings WHERE key = 'privacy'").fetchone()
            if row is not None and row[0] == value:
                return False
            before = json.loads(row[0]) if row else {}
            changed = sorted(k for k in settings if before.get(k) != settings[k])
            db.execute(
                "INSERT INTO settings(key, value) VALUES ('privacy', ?) ON CONFLICT(key) DO UPDATE "
                "SET value = excluded.value",
                (value,),
            )
            detail = ", ".join(f"{k}={settings[k]}" for k in changed)
            self._audit(db, "setting", "", "", len(changed), actor, detail)
            return True

    # Mute.

    def mute_states(self) -> dict[str, MuteRecord]:
        """The stored states; a site without one is not here (start_sites decides for it)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT site, muted, changed_at, changed_by FROM mute"
            ).fetchall()
        return {row[0]: MuteRecord(row[0], bool(row[1]), row[2], row[3]) for row in rows}

    def start_sites(self, sites: tuple[str, ...]) -> SiteStart:
        """Every configured site with a stored state: a new store's sites are stored unmuted, a
        site missing from an existing store is stored muted; both audited."""
        now = time.time()
        with self._transaction() as db:
            rows = db.execute("SELECT site, muted, changed_at, changed_by FROM mute").fetchall()
            records = {row[0]: MuteRecord(row[0], bool(row[1]), row[2], row[3]) for row in rows}
            missing = sorted(site for site in sites if site not in records)
            initial = not rows and self.created
            actor = "policy (new store)" if initial else "policy (no stored state)"
            for site in missing:
                record = MuteRecord(site, not initial, now, actor)
                db.execute(
                    "INSERT INTO mute(site, muted, changed_at, changed_by) VALUES (?, ?, ?, ?)",
                    (site, int(record.muted), now, actor),
                )
                detail = "muted" if record.muted else "unmuted"
                self._audit(db, "mute", "", site, 1, actor, detail)
                records[site] = record
        return SiteStart(
            {site: records[site] for site in sites},
            missing if initial else [],
            [] if initial else missing,
        )

    def set_mute(self, site: str, muted: bool, changed_by: str) -> MuteRecord:
        record = MuteRecord(site, muted, time.time(), changed_by)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO mute(site, muted, changed_at, changed_by) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(site) DO UPDATE SET muted=excluded.muted, "
                "changed_at=excluded.changed_at, changed_by=excluded.changed_by",
                (site, int(muted), record.changed_at, changed_by),
            )
            self._audit(db, "mute", "", site, 1, changed_by, "muted" if muted else "unmuted")
        return record

    def mute_history(self, limit: int = 50) -> list[tuple[str, bool, float, str]]:
        """(site, muted, at, by), newest first, from the audit entries (they expire with the
        audit)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT site, detail, at, actor FROM audit WHERE action = 'mute' ORDER BY seq DESC "
                "LIMIT ?",
                (limit,),
            ).fetchall()
        return [(site, detail == "muted", at, actor) for site, detail, at, actor in rows]

    # Items.

    def keep(self, items: Sequence[NewItem], actor: str = "policy") -> int:
        """Store items (one session's, usually) and audit each one; returns how many were stored."""
        now = time.time()
        with self._transaction(reserve=False) as db:
            for item in items:
                db.execute(
                    "INSERT INTO items(class, site, session_id, created_at, expires_at, text, "
                    "slots, outcome, audio, trigger) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        item.retention_class,
                        item.site,
                        item.session_id,
                        now,
                        now + item.retention_s,
                        item.text,
                        json.dumps(item.slots, sort_keys=True),
                        item.outcome,
                        item.audio,
                        item.trigger,
                    ),
                )
                self._audit(db, "store", item.retention_class, item.site, 1, actor)
        return len(items)

    def purge(self, audit_retention_s: float, now: float | None = None) -> dict[str, int]:
        """Remove expired items (and audit entries older than the audit's retention, keeping an
        anchor so the rest of the chain still verifies); returns what was removed per class."""
        now = time.time() if now is None else now
        removed: dict[str, int] = {}
        with self._transaction() as db:
            rows = db.execute(
                "SELECT class, site, COUNT(*) FROM items WHERE expires_at <= ? GROUP BY class, "
                "site",
                (now,),
            ).fetchall()
            if rows:
                db.execute("DELETE FROM items WHERE expires_at <= ?", (now,))
            for retention_class, site, count in rows:
                removed[retention_class] = removed.get(retention_class, 0) + count
                self._audit(db, "purge", retention_class, site, count, "retention")
            old = db.execute(
                "SELECT seq, hash FROM audit WHERE at <= ? AND seq < ? ORDER BY seq DESC LIMIT 1",
                (now - audit_retention_s, self._head.length),
            ).fetchone()
            if old is not None:
                count = db.execute("DELETE FROM audit WHERE seq <= ?", (old[0],)).rowcount
                db.execute(
                    "INSERT INTO audit_anchor(id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO "
                    "UPDATE SET seq = excluded.seq, hash = excluded.hash",
                    old,
                )
                removed["audit"] = count
                self._audit(
                    db, "purge", "audit", "", count, "retention", f"entries up to {old[0]} expired"
                )
        return removed

    def forget(self, site: str | None, scope: ForgetScope, actor: str) -> ForgetResult:
        """Delete what the scope names; the deletion and its audit entries are one transaction,
        so two forgets (or a forget and a purge) at once each see a consistent store."""
        with self._transaction() as db:
            where, params = self._forget_filter(db, site, scope)
            if where is None:
                return ForgetResult({}, 0)
            rows = db.execute(
                f"SELECT class, site, COUNT(*) FROM items WHERE {where} GROUP BY class, site",
                params,
            ).fetchall()
            sessions = db.execute(
                f"SELECT COUNT(DISTINCT session_id) FROM items WHERE {where}", params
            ).fetchone()[0]
            db.execute(f"DELETE FROM items WHERE {where}", params)
            deleted: dict[str, int] = {}
            for retention_class, item_site, count in rows:
                deleted[retention_class] = deleted.get(retention_class, 0) + count
                self._audit(
                    db, "delete", retention_class, item_site, count, actor, _scope_words(scope)
                )
            if not rows:
                self._audit(
                    db, "delete", "", site or "", 0, actor, _scope_words(scope) + "; nothing held"
                )
        return ForgetResult(deleted, int(sessions))

    def _forget_filter(
        self, db: sqlite3.Connection, site: str | None, scope: ForgetScope
    ) -> tuple[str | None, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if site:
            clauses.append("site = ?")
            params.append(site)
        if scope.only_class:
            clauses.append("class = ?")
            params.append(scope.only_class)
        if scope.session_id:
            clauses.append("session_id = ?")
            params.append(scope.session_id)
        elif scope.last_session:
            row = db.execute(
                f"SELECT session_id FROM items WHERE {' AND '.join(clauses + ['session_id != ?'])} "
                "ORDER BY created_at DESC LIMIT 1",
                [*params, scope.exclude_session_id],
            ).fetchone()
            if row is None:
                return "0", []
            clauses.append("session_id = ?")
            params.append(row[0])
        elif not scope.everything:
            clauses.append("created_at >= ?")
            params.append(scope.since or 0.0)
            if scope.until is not None:
                clauses.append("created_at <= ?")
                params.append(scope.until)
        return (" AND ".join(clauses) or "1"), params

    def export(self, site: str | None, actor: str) -> list[HeldItem]:
        with self._transaction() as db:
            query = f"SELECT {_ITEM_COLUMNS} FROM items"
            rows = db.execute(
                query + (" WHERE site = ?" if site else "") + " ORDER BY created_at",
                (site,) if site else (),
            ).fetchall()
            self._audit(db, "export", "", site or "", len(rows), actor)
        return [_held_item(row) for row in rows]

    def last_transcript(self, site: str, exclude_session_id: str, actor: str) -> HeldItem | None:
        with self._transaction() as db:
            row = db.execute(
                f"SELECT {_ITEM_COLUMNS} FROM items "
                "WHERE class = 'transcript' AND site = ? AND session_id != ? ORDER BY created_at "
                "DESC LIMIT 1",
                (site, exclude_session_id),
            ).fetchone()
            self._audit(db, "read", "transcript", site, 1 if row else 0, actor)
        return None if row is None else _held_item(row)

    def summary(self) -> list[ClassSummary]:
        with self._lock:
            rows = self._db.execute(
                "SELECT class, site, COUNT(*), MIN(created_at) FROM items GROUP BY class, site"
            ).fetchall()
        per_class: dict[str, ClassSummary] = {}
        for retention_class in RETENTION_CLASSES:
            mine = [r for r in rows if r[0] == retention_class]
            oldest = min((r[3] for r in mine), default=None)
            per_class[retention_class] = ClassSummary(
                retention_class, {r[1]: int(r[2]) for r in mine}, oldest
            )
        return list(per_class.values())

    def days(self) -> list[DayCount]:
        """Sessions, probable false wakes, push-to-talk sessions and follow-ups per local day and
        site, from the session log. Only a wake word's session with nothing recognised is a
        probable false wake: no wake word opened the others."""
        with self._lock:
            rows = self._db.execute(
                "SELECT date(created_at, 'unixepoch', 'localtime') AS day, site, COUNT(*), "
                f"SUM(outcome IN ({','.join('?' * len(FALSE_WAKE_OUTCOMES))}) "
                "AND trigger = 'wake_word'), SUM(trigger = 'push_to_talk'), "
                "SUM(trigger = 'follow_up') FROM items WHERE "
                "class = 'session' "
                "GROUP BY day, site ORDER BY day, site",
                FALSE_WAKE_OUTCOMES,
            ).fetchall()
        return [
            DayCount(r[0], r[1], int(r[2]), int(r[3] or 0), int(r[4] or 0), int(r[5] or 0))
            for r in rows
        ]

    def close(self) -> None:
        with self._lock:
            self._db.close()


_ITEM_COLUMNS = "class, site, session_id, created_at, expires_at, text, slots, outcome, audio"
"""The columns of an item, in HeldItem's order."""


def _held_item(row: tuple[Any, ...]) -> HeldItem:
    retention_class, site, session_id, created_at, expires_at, text, slots, outcome, audio = row
    return HeldItem(
        retention_class,
        site,
        session_id,
        created_at,
        expires_at,
        text,
        json.loads(slots),
        outcome,
        audio,
    )


def _scope_words(scope: ForgetScope) -> str:
    if scope.session_id:
        return f"one session{f' ({scope.only_class})' if scope.only_class else ''}"
    if scope.last_session:
        return "last session"
    if scope.everything:
        return "everything"
    return f"range {scope.since or 0:.0f}..{scope.until if scope.until is not None else 'now'}"
