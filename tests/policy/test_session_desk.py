"""Sessions without a broker: one at a time per site, none on a muted or unknown site, and what
ending one tells the ledger."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hearth import topics
from hearth.v1 import policy_pb2
from hearth_policy.ledger import SessionLedger
from hearth_policy.mute import MuteControl
from hearth_policy.sessions import SessionDesk
from hearth_policy.settings import PolicySettings
from hearth_policy.store import MuteRecord
from tests.policy.fakes import RecordingBus, Rejections, as_bus, writer


def _desk(tmp: Path, bus: RecordingBus, rejections: Rejections) -> SessionDesk:
    records = {
        "kitchen": MuteRecord("kitchen", False, 0.0, "default"),
        "office": MuteRecord("office", True, 0.0, "default"),
    }
    mute = MuteControl(records, writer(tmp, bus), as_bus(bus), rejections)
    settings = PolicySettings(arbitration_window_s=0)
    ledger = SessionLedger(settings.session_settle_s)
    return SessionDesk(settings, b"k" * 32, mute, ledger, as_bus(bus), rejections)


def _request(site: str) -> policy_pb2.SessionRequest:
    return policy_pb2.SessionRequest(site=site, wake_word="hey hestia", score=0.9)


def test_a_site_gets_one_session_at_a_time(tmp_path: Path) -> None:
    bus = RecordingBus()
    desk = _desk(tmp_path, bus, Rejections())
    first = asyncio.run(desk.request_session(_request("kitchen")))
    assert first.granted and first.token
    second = asyncio.run(desk.request_session(_request("kitchen")))
    assert not second.granted and "already in progress" in second.reason
    assert bus.topics() == [
        topics.SESSION_STARTED.topic("kitchen"),
        topics.SESSION_REFUSED.topic("kitchen"),
    ]
    desk.close_session(
        policy_pb2.SessionEndRequest(
            site="kitchen", session_id=first.session_id, outcome="cancelled"
        )
    )
    assert desk.ledger.due() and desk.refusal("kitchen") == ""


def test_a_session_past_its_expiry_no_longer_blocks_the_site(tmp_path: Path) -> None:
    desk = _desk(tmp_path, RecordingBus(), Rejections())
    grant = asyncio.run(desk.request_session(_request("kitchen")))
    expiry = grant.expires_at.ToNanoseconds() / 1e9
    assert desk.refusal("kitchen", now=expiry - 1) != ""
    assert desk.refusal("kitchen", now=expiry + 1) == ""


def test_muted_and_unknown_sites_are_refused(tmp_path: Path) -> None:
    desk = _desk(tmp_path, RecordingBus(), Rejections())
    assert asyncio.run(desk.request_session(_request("office"))).reason == "site is muted"
    assert "unknown site" in asyncio.run(desk.request_session(_request("garage"))).reason


def test_ending_a_session_that_is_not_active_is_rejected(tmp_path: Path) -> None:
    rejections = Rejections()
    bus = RecordingBus()
    desk = _desk(tmp_path, bus, rejections)
    desk.close_session(policy_pb2.SessionEndRequest(site="kitchen", session_id="nope"))
    assert rejections.seen == [("session_end", "unknown_session")]
    assert bus.published == []


def test_a_request_for_a_site_that_is_no_site_name_is_refused_on_no_topic_it_names(
    tmp_path: Path,
) -> None:
    bus = RecordingBus()
    desk = _desk(tmp_path, bus, Rejections())
    grant = asyncio.run(desk.request_session(_request("kitchen/#")))
    assert not grant.granted and "unknown site" in grant.reason
    assert bus.topics() == [topics.SESSION_REFUSED.topic("unknown")]
