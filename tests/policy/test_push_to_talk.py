"""Push-to-talk without a broker: a session asked for without a wake word is authorised like any
other, goes to the site's capture stream (never to the caller), and fails clearly when no
microphone is there to run it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hearth import topics
from hearth.v1 import common_pb2, events_pb2, policy_pb2
from hearth_policy.ledger import SessionLedger
from hearth_policy.mute import MuteControl
from hearth_policy.push_to_talk import NoMicrophone, PushToTalk
from hearth_policy.sessions import SessionDesk
from hearth_policy.settings import PolicySettings
from hearth_policy.store import MuteRecord, NewItem, PolicyStore
from tests.policy.fakes import AUDIT_KEY, RecordingBus, Rejections, as_bus, writer


def _push_to_talk(tmp: Path, bus: RecordingBus) -> PushToTalk:
    records = {
        "kitchen": MuteRecord("kitchen", False, 0.0, "default"),
        "office": MuteRecord("office", True, 0.0, "default"),
    }
    rejections = Rejections()
    mute = MuteControl(records, writer(tmp, bus), as_bus(bus), rejections)
    # A long arbitration window: push-to-talk must not wait for it.
    settings = PolicySettings(arbitration_window_s=2.0)
    ledger = SessionLedger(settings.session_settle_s)
    desk = SessionDesk(settings, b"k" * 32, mute, ledger, as_bus(bus), rejections)
    return PushToTalk(desk, mute, lease_s=1.0)


def _listen(site: str) -> policy_pb2.ListenRequest:
    return policy_pb2.ListenRequest(site=site, requested_by="test")


def _started(bus: RecordingBus) -> events_pb2.SessionStarted:
    [started] = [m for t, m, _ in bus.published if t == topics.SESSION_STARTED.topic("kitchen")]
    assert isinstance(started, events_pb2.SessionStarted)
    return started


def test_a_push_to_talk_request_is_granted_at_once_without_pre_roll(tmp_path: Path) -> None:
    bus = RecordingBus()
    desk = _push_to_talk(tmp_path, bus).sessions
    with desk.mute.listening("office"):  # another site listening would make a wake word wait
        grant = asyncio.run(
            asyncio.wait_for(
                desk.request_session(
                    policy_pb2.SessionRequest(
                        site="kitchen", trigger=common_pb2.TRIGGER_PUSH_TO_TALK, trace_id="t1"
                    )
                ),
                1.0,
            )
        )
    assert grant.granted and grant.token and grant.trace_id == "t1"
    assert grant.preroll_s == 0.0
    started = _started(bus)
    assert started.trigger == common_pb2.TRIGGER_PUSH_TO_TALK and not started.wake_word
    assert desk.ledger.get(grant.session_id) is not None


def test_listen_hands_the_grant_to_the_sites_capture_stream(tmp_path: Path) -> None:
    bus = RecordingBus()
    push_to_talk = _push_to_talk(tmp_path, bus)

    async def scenario() -> tuple[policy_pb2.ListenReply, policy_pb2.SessionGrant]:
        with push_to_talk.stream("kitchen") as stream:
            asked = asyncio.create_task(push_to_talk.listen(_listen("kitchen")))
            while (pending := stream.take()) is None:
                await asyncio.sleep(0.01)
            stream.sent()
            return await asked, pending.grant

    reply, grant = asyncio.run(scenario())
    assert reply.started and reply.session_id == grant.session_id
    assert grant.token and reply.trace_id == grant.trace_id
    assert _started(bus).trigger == common_pb2.TRIGGER_PUSH_TO_TALK
    assert "already in progress" in push_to_talk.sessions.refusal("kitchen")


def test_muted_and_unknown_sites_refuse_and_no_session_starts(tmp_path: Path) -> None:
    bus = RecordingBus()
    push_to_talk = _push_to_talk(tmp_path, bus)

    async def scenario() -> list[policy_pb2.ListenReply]:
        with push_to_talk.stream("office"), push_to_talk.stream("garage"):
            return [
                await push_to_talk.listen(_listen("office")),
                await push_to_talk.listen(_listen("garage")),
            ]

    muted, unknown = asyncio.run(scenario())
    assert not muted.started and muted.reason == "site is muted"
    assert not unknown.started and "unknown site" in unknown.reason
    assert not any(t.endswith("/started") for t in bus.topics())


def test_a_site_without_a_microphone_cannot_listen(tmp_path: Path) -> None:
    bus = RecordingBus()
    push_to_talk = _push_to_talk(tmp_path, bus)
    with pytest.raises(NoMicrophone, match="no microphone is connected for site 'kitchen'"):
        asyncio.run(push_to_talk.listen(_listen("kitchen")))
    assert bus.published == []


def test_a_microphone_that_goes_away_ends_the_session_it_was_given(tmp_path: Path) -> None:
    bus = RecordingBus()
    push_to_talk = _push_to_talk(tmp_path, bus)

    async def scenario() -> None:
        with push_to_talk.stream("kitchen"):
            asked = asyncio.create_task(push_to_talk.listen(_listen("kitchen")))
            await asyncio.sleep(0.05)
        await asked

    with pytest.raises(NoMicrophone, match="went away"):
        asyncio.run(scenario())
    assert bus.topics()[-1] == topics.SESSION_ENDED.topic("kitchen")
    assert push_to_talk.sessions.refusal("kitchen") == ""


def test_the_session_log_counts_sessions_without_a_wake_word_apart_and_never_as_false_wakes(
    tmp_path: Path,
) -> None:
    """Push-to-talk and follow-ups (tests/policy/test_follow_ups.py) opened without a wake word."""
    store = PolicyStore(tmp_path / "policy.db", audit_key=AUDIT_KEY)
    store.keep(
        [
            NewItem("session", "kitchen", "a", 60, outcome="not_recognized"),
            NewItem(
                "session", "kitchen", "b", 60, outcome="not_recognized", trigger="push_to_talk"
            ),
            NewItem("session", "kitchen", "c", 60, outcome="intent", trigger="push_to_talk"),
            NewItem("session", "kitchen", "d", 60, outcome="not_recognized", trigger="follow_up"),
        ]
    )
    [day] = store.days()
    assert (day.sessions, day.probable_false_wakes, day.push_to_talk, day.follow_ups) == (
        4,
        1,
        2,
        1,
    )
    store.close()
