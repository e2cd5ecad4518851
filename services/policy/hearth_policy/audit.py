"""The audit chain: each entry carries the hash of the one before it, so editing, deleting or
reordering an entry breaks every hash after it, and the published head exposes truncation.

Entries say what was done to which class of item at which site, by whom and how many; never
the words themselves.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: float
    action: str
    """store, read, export, delete, purge, mute, setting."""
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


def entry_hash(entry: AuditEntry) -> str:
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
    return hashlib.sha256(f"{entry.prev}|{body}".encode()).hexdigest()


def check_chain(
    start: AuditHead,
    entries: Sequence[tuple[AuditEntry, str]],
    expected_head: AuditHead | None = None,
) -> ChainCheck:
    """Walk the chain from its anchor; name the first entry that does not verify.

    `expected_head` is a head seen earlier (by the running service or on the broker): a chain
    that verifies but ends before it was truncated.
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
        if entry_hash(entry) != stored_hash:
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
        previous = AuditHead(entry.seq, stored_hash, entry.at)
    if expected_head is not None and expected_head.length > previous.length:
        return ChainCheck(
            False,
            len(entries),
            previous.length + 1,
            f"the chain ends at entry {previous.length} but entry {expected_head.length} was seen "
            "before: entries were removed from the end",
            previous,
        )
    if (
        expected_head is not None
        and expected_head.length == previous.length
        and expected_head.hash != previous.hash
    ):
        return ChainCheck(
            False,
            len(entries),
            previous.length,
            f"entry {previous.length} differs from the head published earlier",
            previous,
        )
    return ChainCheck(True, len(entries), 0, "", previous)


def _broken(
    seq: int, problem: str, entries: Sequence[tuple[AuditEntry, str]], head: AuditHead
) -> ChainCheck:
    return ChainCheck(False, len(entries), seq, problem, head)
