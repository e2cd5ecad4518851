"""The audit chain's head, kept outside the database, and the key of its HMAC.

Someone who can write policy.db could cut entries off the end of the chain: every remaining
entry still verifies. The head (length and hash) written to a file beside the database after
every append, and checked at start, finds that: the chain must still hold the checkpointed head.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from hearth import metrics, private_files
from hearth.identity import SecretsLayout
from hearth.settings import CommonSettings
from hearth_policy import SERVICE
from hearth_policy import policy_metrics as pm
from hearth_policy.audit import AuditHead, ChainCheck

if TYPE_CHECKING:
    from hearth_policy.store import PolicyStore

log = logging.getLogger(__name__)

CHECKPOINT_FILE = "policy.audit-head.json"
CHECKPOINT_WHERE = "the checkpoint outside the database"
"""How a finding names the checkpoint (in logs and `hearth privacy verify`)."""


def audit_key_path(common: CommonSettings) -> Path:
    """Where policy keeps the audit key: among the secrets (`hearth init` writes it), never in
    the database."""
    return SecretsLayout(common.secrets_path).audit_key


class CheckpointUnreadable(Exception):
    """The checkpoint file exists but does not hold a head."""


class AuditCheckpoint:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> AuditHead | None:
        """The head written last; None before the first one (a new store, or an upgrade)."""
        try:
            data = json.loads(self.path.read_text())
            return AuditHead(int(data["length"]), str(data["hash"]), float(data["at"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CheckpointUnreadable(
                f"audit checkpoint {self.path} is unreadable ({exc})"
            ) from exc

    def write(self, head: AuditHead) -> None:
        """Atomically, 0600: a crash leaves the previous head or this one."""
        text = json.dumps({"length": head.length, "hash": head.hash, "at": head.at})
        private_files.write_private(self.path, text)


SeenHeads = tuple[tuple[AuditHead, str], ...]


def audit_check_at_start(
    store: PolicyStore, checkpoint: AuditCheckpoint
) -> tuple[ChainCheck, SeenHeads]:
    """The chain checked against the checkpoint, with a loud log line and the metrics when it
    does not hold; also the heads later verifications must keep checking."""
    problem = ""
    try:
        seen_head = checkpoint.read()
    except CheckpointUnreadable as exc:
        seen_head, problem = None, str(exc)
    seen: SeenHeads = ((seen_head, CHECKPOINT_WHERE),) if seen_head is not None else ()
    check = store.verify(seen)
    if problem and check.ok:
        check = ChainCheck(False, check.entries, 0, problem, check.head)
    if seen_head is None and not problem and store.head().length:
        log.warning(
            "no audit checkpoint yet: starting one at entry %d in %s",
            store.head().length,
            checkpoint.path,
        )
    chain_alone_ok = check.ok or (not problem and store.verify().ok)
    pm.AUDIT_CHECKPOINT_MATCH.set(int(check.ok or not chain_alone_ok))
    if not check.ok:
        log.error(
            "audit chain does not verify: %s; `hearth privacy verify` shows it, the finding is "
            "recorded in the chain, and new entries continue it",
            check.problem,
        )
        metrics.ERRORS.labels(SERVICE, "audit_chain_broken").inc()
    return check, seen
