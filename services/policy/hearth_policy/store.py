"""Policy's persistent state: SQLite in the data directory, so mute survives restarts of every service."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = 1
MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE mute (
        site TEXT PRIMARY KEY,
        muted INTEGER NOT NULL,
        changed_at REAL NOT NULL,
        changed_by TEXT NOT NULL
    );
    """,
}


class StoreError(Exception):
    """The store cannot be used; policy refuses to start rather than guess (mute must fail closed)."""


@dataclass(frozen=True)
class MuteRecord:
    site: str
    muted: bool
    changed_at: float
    changed_by: str


class PolicyStore:
    """Small synchronous store; calls are quick and serialised by a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"policy store {path} is unreadable ({exc}); move it aside to start fresh") from exc

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(f"policy store {self.path} is from a newer Hearth (schema {version} > {SCHEMA_VERSION})")
        for step in range(version + 1, SCHEMA_VERSION + 1):
            self._db.executescript(f"BEGIN; {MIGRATIONS[step]} PRAGMA user_version = {step}; COMMIT;")

    def mute_states(self, sites: tuple[str, ...]) -> dict[str, MuteRecord]:
        with self._lock:
            rows = self._db.execute("SELECT site, muted, changed_at, changed_by FROM mute").fetchall()
        stored = {row[0]: MuteRecord(row[0], bool(row[1]), row[2], row[3]) for row in rows}
        return {site: stored.get(site, MuteRecord(site, False, 0.0, "default")) for site in sites}

    def set_mute(self, site: str, muted: bool, changed_by: str) -> MuteRecord:
        record = MuteRecord(site, muted, time.time(), changed_by)
        with self._lock:
            self._db.execute(
                "INSERT INTO mute(site, muted, changed_at, changed_by) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(site) DO UPDATE SET muted=excluded.muted, changed_at=excluded.changed_at, changed_by=excluded.changed_by",
                (site, int(muted), record.changed_at, changed_by),
            )
        return record

    def close(self) -> None:
        with self._lock:
            self._db.close()
