"""Session tokens: signed by policy, bound to a site, single use, with an expiry."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hearth import tokens

KEY = b"k" * 32


def _claims(site: str = "kitchen", ttl: float = 10.0, sid: str = "s1") -> tokens.SessionClaims:
    now = time.time()
    return tokens.SessionClaims(sid, site, now, now + ttl, 10.0)


def test_valid_token_verifies() -> None:
    token = tokens.sign(KEY, _claims())
    assert tokens.verify(KEY, token, "kitchen").session_id == "s1"


@pytest.mark.parametrize(
    ("make", "site", "reason"),
    [
        (lambda: "", "kitchen", "missing"),
        (lambda: "garbage", "kitchen", "malformed"),
        (lambda: tokens.sign(b"x" * 32, _claims()), "kitchen", "bad_signature"),
        (lambda: tokens.sign(KEY, _claims()), "office", "wrong_site"),
        (lambda: tokens.sign(KEY, _claims(ttl=-1)), "kitchen", "expired"),
    ],
)
def test_bad_tokens_are_refused_with_a_reason(make, site: str, reason: str) -> None:
    with pytest.raises(tokens.TokenError) as error:
        tokens.verify(KEY, make(), site)
    assert error.value.reason == reason


def test_tampered_body_is_refused() -> None:
    body, mac = tokens.sign(KEY, _claims(site="kitchen")).split(".")
    other_body = tokens.sign(KEY, _claims(site="office")).split(".")[0]
    with pytest.raises(tokens.TokenError):
        tokens.verify(KEY, f"{other_body}.{mac}", "office")
    assert body != other_body


def test_token_is_single_use() -> None:
    ledger = tokens.TokenLedger()
    claims = _claims()
    ledger.redeem(claims)
    with pytest.raises(tokens.TokenError) as error:
        ledger.redeem(claims)
    assert error.value.reason == "reused"


def test_key_is_generated_once_and_private(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "session.key"
    key = tokens.load_or_create_key(path)
    assert len(key) == 32 and tokens.load_or_create_key(path) == key
    assert path.stat().st_mode & 0o077 == 0


def test_redemptions_survive_a_new_ledger_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "stt" / "used_tokens.json"
    claims = _claims()
    tokens.TokenLedger(path).redeem(claims)
    with pytest.raises(tokens.TokenError) as error:
        tokens.TokenLedger(path).redeem(claims)
    assert error.value.reason == "reused"
    assert path.stat().st_mode & 0o077 == 0 and path.parent.stat().st_mode & 0o077 == 0


def test_expired_redemptions_are_forgotten(tmp_path: Path) -> None:
    path = tmp_path / "used_tokens.json"
    ledger = tokens.TokenLedger(path)
    ledger.redeem(_claims(ttl=1, sid="old"))
    ledger.redeem(_claims(sid="new"), now=time.time() + 5)
    assert "old" not in path.read_text() and "new" in path.read_text()


def test_an_unreadable_ledger_refuses_every_token_issued_before_it_was_opened(
    tmp_path: Path,
) -> None:
    path = tmp_path / "used_tokens.json"
    path.write_text("{not json")
    earlier = _claims()
    ledger = tokens.TokenLedger(path, now=earlier.issued_at + 1)
    assert "unreadable" in ledger.problem
    with pytest.raises(tokens.TokenError):
        ledger.redeem(earlier)
    at = earlier.issued_at + 2
    ledger.redeem(tokens.SessionClaims("later", "kitchen", at, at + 10, 10.0), now=at)
