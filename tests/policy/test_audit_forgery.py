"""The audit chain against someone who can write policy's database (but not its key or its data
directory's checkpoint): a chain recomputed without the key, or with another key, and a chain cut
short are found, at policy's start and by `Verify` (the real policy process, real Mosquitto)."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from hearth.v1 import policy_pb2
from tests import timeouts
from tests.policy.test_policy_faults import _config, _Policy
from tests.support import Broker

pytestmark = pytest.mark.stack

Digest = Callable[[str, str], str]
"""(previous hash, entry body) -> hash: how a forger recomputes the chain."""


def _unkeyed(prev: str, body: str) -> str:
    return hashlib.sha256(f"{prev}|{body}".encode()).hexdigest()


def _wrongly_keyed(prev: str, body: str) -> str:
    return hmac.new(b"f" * 32, f"{prev}|{body}".encode(), hashlib.sha256).hexdigest()


def _rewrite_chain(db_path: Path, digest: Digest) -> None:
    """Change what one mute entry says, then recompute every hash after it, as a forger would."""
    db = sqlite3.connect(db_path)
    db.execute(
        "UPDATE audit SET actor = 'nobody' WHERE seq = (SELECT MAX(seq) FROM audit "
        "WHERE action = 'mute')"
    )
    rows = db.execute(
        "SELECT seq, at, action, class, site, count, actor, detail FROM audit ORDER BY seq"
    ).fetchall()
    prev = "0" * 64
    for row in rows:
        body = json.dumps(list(row), separators=(",", ":"))
        digest_value = digest(prev, body)
        db.execute(
            "UPDATE audit SET prev = ?, hash = ? WHERE seq = ?", (prev, digest_value, row[0])
        )
        prev = digest_value
    db.commit()
    db.close()


def _truncate(db_path: Path, entries: int) -> None:
    db = sqlite3.connect(db_path)
    db.execute("DELETE FROM audit WHERE seq > (SELECT MAX(seq) FROM audit) - ?", (entries,))
    db.commit()
    db.close()


def _run_policy_with_mutes(config: Path, log: Path) -> None:
    policy = _Policy(config, log)
    try:
        for muted in (True, False, True, False):
            policy.stub.SetMute(
                policy_pb2.SetMuteRequest(site="kitchen", muted=muted, changed_by="owner"),
                timeout=timeouts.RPC_S,
            )
        assert policy.stub.Verify(policy_pb2.VerifyRequest(), timeout=timeouts.RPC_S).ok
    finally:
        policy.stop()


@pytest.mark.parametrize(
    ("forge", "cut_short"),
    [
        (lambda db: _rewrite_chain(db, _unkeyed), False),
        (lambda db: _rewrite_chain(db, _wrongly_keyed), False),
        (lambda db: _truncate(db, 2), True),
    ],
    ids=["recomputed-unkeyed", "recomputed-wrong-key", "truncated"],
)
def test_a_forged_or_truncated_chain_is_found_at_start(
    tmp_path: Path, broker: Broker, forge: Callable[[Path], None], cut_short: bool
) -> None:
    config = _config(tmp_path, broker)
    _run_policy_with_mutes(config, tmp_path / "policy.log")
    forge(tmp_path / "data" / "policy.db")

    log = tmp_path / "policy-again.log"
    policy = _Policy(config, log)
    try:
        check = policy.stub.Verify(policy_pb2.VerifyRequest(), timeout=timeouts.RPC_S)
        assert not check.ok and check.problem, check
        assert policy.metric("hearth_audit_chain_valid") == 0
        if cut_short:  # every remaining entry verifies: only the checkpoint can tell
            assert policy.metric("hearth_audit_checkpoint_match") == 0
        deadline = time.monotonic() + timeouts.EVENT_S
        while "audit chain does not verify" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
    finally:
        policy.stop()
