"""The audit chain: each entry carries the hash of the one before it, so editing, deleting or
reordering an entry breaks every hash after it, and the published head exposes truncation.

The hashes are HMAC-SHA256 with a key policy keeps apart from the database, so someone who can
write the database cannot recompute a chain that verifies; the head is also checkpointed outside
the database (audit_checkpoint.py), so cutting entries off the end is found at start. Stores from
before the key keep their older entries as plain SHA-256 up to `keyed_from`: each is still
protected by the keyed entries after it.

Entries say what was done to which class of item at which site, by whom and how many; never
the words themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: float
    action: str
    """store, read, export, delete, purge, mute, setting, verify (a chain that did not verify)."""
    retention_class: str
    site: str
    count: int
    actor: str
    detail: str
    prev: str


@dataclass(frozen=True)
class AuditHead:
    length: int
    """Sequence number of the last entry (entries pruned by retention still count)."""
    hash: str
    at: float

    @staticmethod
    def genesis() -> AuditHead:
        return AuditHead(0, GENESIS, 0.0)

    @property
    def as_number(self) -> int:
        """The first 12 hex digits as an integer: exact in a float, so a metric can carry it."""
        return int(self.hash[:12], 16)


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    entries: int
    broken_at: int
    problem: str
    head: AuditHead


def entry_hash(entry: AuditEntry, key: bytes | None) -> str:
    """HMAC-SHA256 with the audit key; plain SHA-256 (key None) only for entries from before
    the key existed."""
    body = json.dumps(
        [
            entry.seq,
            entry.at,
            entry.action,
            entry.retention_class,
            entry.site,
            entry.count,
            entry.actor,
            entry.detail,
        ],
        separators=(",", ":"),
    )
    message = f"{entry.prev}|{body}".encode()
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainKey:
    """The audit key, and the first entry made with it (older ones are plain SHA-256)."""

    key: bytes
    keyed_from: int = 1

    def for_entry(self, seq: int) -> bytes | None:
        return self.key if seq >= self.keyed_from else None


def check_chain(
    start: AuditHead,
    entries: Sequence[tuple[AuditEntry, str]],
    key: ChainKey,
    seen_heads: Sequence[tuple[AuditHead, str]] = (),
) -> ChainCheck:
    """Walk the chain from its anchor; name the first entry that does not verify.

    `seen_heads` are heads seen earlier, each with where it was seen (the running service, the
    checkpoint outside the database): the chain must still hold each of them, so a chain that
    verifies but ends before one, or holds another entry in its place, was cut or rewritten.
    """
    previous = start
    for entry, stored_hash in entries:
        if entry.seq != previous.length + 1:
            if entry.seq > previous.length + 1:
                missing = previous.length + 1
                span = (
                    f"entries {missing}–{entry.seq - 1} are"
                    if entry.seq - 1 > missing
                    else f"entry {missing} is"
                )
                return _broken(missing, f"{span} missing (deleted)", entries, previous)
            return _broken(entry.seq, f"entry {entry.seq} is out of order", entries, previous)
        if not hmac.compare_digest(entry_hash(entry, key.for_entry(entry.seq)), stored_hash):
            return _broken(
                entry.seq,
                f"entry {entry.seq} was edited (its hash does not match its contents)",
                entries,
                previous,
            )
        if entry.prev != previous.hash:
            return _broken(
                entry.seq,
                f"entry {entry.seq} does not follow entry {previous.length}: an entry was "
                "rewritten or entries were reordered",
                entries,
                previous,
            )
        for head, where in seen_heads:
            if head.length == entry.seq and head.hash != stored_hash:
                return _broken(
                    entry.seq,
                    f"entry {entry.seq} differs from the one {where} saw: the chain was rewritten "
                    "from there",
                    entries,
                    previous,
                )
        previous = AuditHead(entry.seq, stored_hash, entry.at)
    for head, where in seen_heads:
        if head.length > previous.length:
            return ChainCheck(
                False,
                len(entries),
                previous.length + 1,
                f"the chain ends at entry {previous.length} but {where} saw entry {head.length}: "
                "entries were removed from the end",
                previous,
            )
    return ChainCheck(True, len(entries), 0, "", previous)


def _broken(
    seq: int, problem: str, entries: Sequence[tuple[AuditEntry, str]], head: AuditHead
) -> ChainCheck:
    return ChainCheck(False, len(entries), seq, problem, head)
