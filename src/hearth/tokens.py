"""Session tokens: what lets audio reach speech-to-text.

Policy signs a token when it authorises a session after a wake detection; stt accepts a
stream only with a token whose signature is valid, that is bound to the stream's site,
unexpired and never used before. HMAC-SHA256 with a key both share (generated at set-up,
never a default) keeps verification local and fast.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from hearth import private_files

KEY_BYTES = 32


class TokenError(Exception):
    """Why a token was refused, in a bounded set of reasons (used as a metric label)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class SessionClaims:
    session_id: str
    site: str
    issued_at: float
    expires_at: float
    max_length_s: float


def load_or_create_key(path: Path) -> bytes:
    """The signing key; created (0600) on first use so no installation shares a default secret."""
    path = path.expanduser()
    if path.exists():
        return read_key(path)
    key = new_key()
    save_new_key(path, key)
    return key


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def read_key(path: Path) -> bytes:
    key = bytes.fromhex(path.expanduser().read_text().strip())
    if len(key) < 16:
        raise ValueError(f"key in {path} is too short; delete it to generate a new one")
    return key


def save_new_key(path: Path, key: bytes) -> None:
    """Write a new key file (0600, in a 0700 directory); never overwrites an existing one."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(key: bytes, claims: SessionClaims) -> str:
    body = json.dumps(
        {
            "sid": claims.session_id,
            "site": claims.site,
            "iat": claims.issued_at,
            "exp": claims.expires_at,
            "max": claims.max_length_s,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()
    mac = hmac.new(key, body, hashlib.sha256).digest()
    return f"{_b64(body)}.{_b64(mac)}"


def verify(key: bytes, token: str, site: str, now: float | None = None) -> SessionClaims:
    """Check signature, site binding and expiry; raises TokenError. Single use is TokenLedger's
    job."""
    now = time.time() if now is None else now
    if not token:
        raise TokenError("missing", "no session token")
    try:
        body_part, mac_part = token.split(".", 1)
        body, mac = _unb64(body_part), _unb64(mac_part)
    except ValueError:
        raise TokenError("malformed", "session token is not in the expected form") from None
    if not hmac.compare_digest(mac, hmac.new(key, body, hashlib.sha256).digest()):
        raise TokenError("bad_signature", "session token signature is not valid")
    try:
        data = json.loads(body)
        claims = SessionClaims(
            str(data["sid"]),
            str(data["site"]),
            float(data["iat"]),
            float(data["exp"]),
            float(data["max"]),
        )
    except (ValueError, KeyError, TypeError):
        raise TokenError("malformed", "session token body is not valid") from None
    if claims.site != site:
        raise TokenError("wrong_site", f"session token is for another site than {site!r}")
    if now > claims.expires_at:
        raise TokenError("expired", "session token has expired")
    return claims


MAX_REDEMPTIONS = 10_000
"""Bound on remembered redemptions: tokens live seconds, so far more than any home's sessions."""


class TokenLedger:
    """Remembers used session ids until their tokens expire, so each token opens exactly one
    stream, also across a restart when given a file: a replayed token must not work because
    stt was restarted.

    A file that cannot be read is not trusted to be complete: every token issued before this
    ledger was opened is then refused (they expire within seconds, so that is all it costs)."""

    def __init__(self, path: Path | None = None, now: float | None = None) -> None:
        self.path = path
        self._used: dict[str, float] = {}
        self._not_before = 0.0
        self._lock = threading.Lock()
        self.problem = ""
        """Why the file could not be read (for the log); empty when it could."""
        if path is not None:
            self._load(path, time.time() if now is None else now)

    def _load(self, path: Path, now: float) -> None:
        try:
            stored = json.loads(path.read_text())
            self._used = {str(sid): float(exp) for sid, exp in stored.items() if exp >= now}
        except FileNotFoundError:
            return
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            self._used = {}
            self._not_before = now
            self.problem = (
                f"used session tokens in {path} are unreadable ({exc}); refusing every token "
                "issued before now"
            )

    def redeem(self, claims: SessionClaims, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            self._used = {sid: exp for sid, exp in self._used.items() if exp >= now}
            if claims.session_id in self._used:
                raise TokenError("reused", "session token was already used")
            if claims.issued_at < self._not_before:
                raise TokenError("reused", "session token may have been used before a restart")
            if len(self._used) >= MAX_REDEMPTIONS:
                raise TokenError("ledger_full", "too many sessions at once")
            self._used[claims.session_id] = claims.expires_at
            if self.path is not None:
                private_files.write_private(self.path, json.dumps(self._used))
