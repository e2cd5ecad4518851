"""Follow-ups, through the policy service itself (its real entry point, a real Mosquitto, real
gRPC): a session without a wake word is granted after an answer that asked something back,
at the same site, once, within the window, never on a muted or busy site, and it is counted apart
in the privacy report; a follow-up's own answer may ask again."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import yaml

from hearth import events, topics
from hearth.v1 import common_pb2, events_pb2, policy_pb2, policy_pb2_grpc
from tests import timeouts
from tests.support import Broker, free_port, grpc_channel_as

pytestmark = pytest.mark.stack

WINDOW_S = 2.0


class Policy:
    """The policy process, called as the kitchen's audio service and as the owner; intent's
    events published with intent's own broker login."""

    def __init__(self, tmp: Path, broker: Broker) -> None:
        endpoint = f"127.0.0.1:{free_port()}"
        config = {
            "data_dir": str(tmp / "data"),
            "sites": ["kitchen", "office"],
            "mqtt": {"port": broker.port},
            "endpoints": {"policy": endpoint},
            "policy": {
                "metrics_port": free_port(),
                "follow_up_window_s": WINDOW_S,
                "session_settle_s": 0.5,
                "session_requests_per_s": 100,
                "session_request_burst": 1000,
            },
        }
        path = tmp / "hearth.yaml"
        path.write_text(yaml.safe_dump(config))
        self.log = tmp / "policy.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hearth_policy", "--config", str(path)],
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.channels = {
            who: grpc_channel_as(broker.secrets, endpoint, who)
            for who in ("audio", "hearth", "satellite-kitchen")
        }
        for channel in self.channels.values():
            grpc.channel_ready_future(channel).result(timeout=timeouts.STACK_START_S)
        self.audio = policy_pb2_grpc.PolicyStub(self.channels["audio"])
        self.owner = policy_pb2_grpc.PolicyStub(self.channels["hearth"])
        self.satellite = policy_pb2_grpc.PolicyStub(self.channels["satellite-kitchen"])
        self.intent = broker.client("intent")
        self.intent.connect("127.0.0.1", broker.port)
        self.intent.loop_start()
        self.watcher = broker.client("hearth")
        self.started: list[events_pb2.SessionStarted] = []
        self.watcher.on_message = lambda _c, _u, msg: self.started.append(
            events.decode(msg.payload, events_pb2.SessionStarted)
        )
        self.watcher.on_connect = lambda c, *_: c.subscribe(topics.SESSION_STARTED.filter, qos=1)
        self.watcher.connect("127.0.0.1", broker.port)
        self.watcher.loop_start()

    def wake(self, site: str = "kitchen") -> policy_pb2.SessionGrant:
        grant = self.audio.RequestSession(
            policy_pb2.SessionRequest(site=site, wake_word="hey hestia", score=0.9),
            timeout=timeouts.RPC_S,
        )
        assert grant.granted, grant.reason
        return grant

    def follow(
        self, session_id: str, site: str = "kitchen", stub: policy_pb2_grpc.PolicyStub | None = None
    ) -> policy_pb2.SessionGrant:
        return (stub or self.audio).RequestSession(
            policy_pb2.SessionRequest(
                site=site, trigger=common_pb2.TRIGGER_FOLLOW_UP, follows_session=session_id
            ),
            timeout=timeouts.RPC_S,
        )

    def follow_when_policy_heard(
        self, session_id: str, stub: policy_pb2_grpc.PolicyStub | None = None
    ) -> policy_pb2.SessionGrant:
        """Policy hears intent's event at its own pace: ask until it is granted."""
        deadline = time.monotonic() + timeouts.EVENT_S
        while True:
            grant = self.follow(session_id, stub=stub)
            if grant.granted or grant.reason != "no answer asked for a follow-up":
                return grant
            assert time.monotonic() < deadline, "policy never heard intent's answer"
            time.sleep(0.1)

    def answered(self, session_id: str, continues: bool, site: str = "kitchen") -> None:
        """intent.recognized for the session, as the intent service publishes it."""
        recognized = events_pb2.IntentRecognized(
            header=events.header("intent", site=site, session_id=session_id),
            intent="HassStartTimer",
            speech="How long should the timer be?",
            continue_conversation=continues,
        )
        self.intent.publish(
            topics.INTENT_RECOGNIZED.topic(site), events.encode(recognized), qos=1
        ).wait_for_publish()

    def end(self, grant: policy_pb2.SessionGrant, site: str = "kitchen") -> None:
        self.audio.EndSession(
            policy_pb2.SessionEndRequest(
                session_id=grant.session_id, site=site, outcome="END_OF_SPEECH"
            ),
            timeout=timeouts.RPC_S,
        )

    def mute(self, muted: bool) -> None:
        self.owner.SetMute(
            policy_pb2.SetMuteRequest(site="kitchen", muted=muted, changed_by="test"),
            timeout=timeouts.RPC_S,
        )

    def stop(self) -> None:
        for client in (self.intent, self.watcher):
            client.loop_stop()
            client.disconnect()
        for channel in self.channels.values():
            channel.close()
        self.process.terminate()
        self.process.wait(timeouts.STACK_STOP_S)


@pytest.fixture()
def policy(tmp_path: Path, broker: Broker) -> Iterator[Policy]:
    running = Policy(tmp_path, broker)
    yield running
    running.stop()


def test_a_follow_up_is_granted_once_after_an_answer_that_asks(policy: Policy) -> None:
    first = policy.wake()
    policy.end(first)
    assert policy.follow(first.session_id).reason == "no answer asked for a follow-up"

    policy.answered(first.session_id, continues=True)
    follow_up = policy.follow_when_policy_heard(first.session_id)
    assert follow_up.granted and follow_up.token and follow_up.preroll_s == 0.0
    deadline = time.monotonic() + timeouts.EVENT_S
    while not any(s.header.session_id == follow_up.session_id for s in policy.started):
        assert time.monotonic() < deadline, "no session.started for the follow-up"
        time.sleep(0.05)
    [started] = [s for s in policy.started if s.header.session_id == follow_up.session_id]
    assert started.trigger == common_pb2.TRIGGER_FOLLOW_UP and not started.wake_word
    assert started.preroll_s == 0.0

    policy.end(follow_up)
    assert policy.follow(first.session_id).reason == "that answer was already followed up"

    # The follow-up's own answer asks again: a chain, each link once.
    policy.answered(follow_up.session_id, continues=True)
    second = policy.follow_when_policy_heard(follow_up.session_id)
    assert second.granted, second.reason
    policy.end(second)

    # An answer that does not ask is not followed.
    policy.answered(second.session_id, continues=False)
    time.sleep(0.5)
    assert policy.follow(second.session_id).reason == "no answer asked for a follow-up"

    report = policy.owner.Report(policy_pb2.ReportRequest(), timeout=timeouts.RPC_S)
    deadline = time.monotonic() + timeouts.EVENT_S
    while sum(day.follow_ups for day in report.days) < 2:
        assert time.monotonic() < deadline, f"follow-ups not in the report: {report.days}"
        time.sleep(0.2)
        report = policy.owner.Report(policy_pb2.ReportRequest(), timeout=timeouts.RPC_S)
    [day] = [day for day in report.days if day.site == "kitchen"]
    assert (day.sessions, day.follow_ups, day.push_to_talk, day.probable_false_wakes) == (
        3,
        2,
        0,
        0,
    )
    assert policy.owner.Verify(policy_pb2.VerifyRequest(), timeout=timeouts.RPC_S).ok


def test_mute_always_wins_and_a_follow_up_needs_its_own_site_and_time(policy: Policy) -> None:
    asked = policy.wake()
    policy.end(asked)
    policy.answered(asked.session_id, continues=True)
    time.sleep(0.5)  # policy heard the answer
    assert policy.follow(asked.session_id, site="office").reason == (
        "policy granted no such session at this site"
    )
    assert policy.follow("").reason == "a follow-up must name the session it follows"
    assert policy.follow("no-such-session").reason == (
        "policy granted no such session at this site"
    )

    policy.mute(True)
    assert policy.follow(asked.session_id).reason == "site is muted"
    policy.mute(False)

    busy = policy.wake()
    assert policy.follow(asked.session_id).reason == (
        "a session is already in progress on this site"
    )
    policy.end(busy)

    time.sleep(WINDOW_S + 0.2)
    late = policy.follow(asked.session_id)
    assert not late.granted and late.reason.startswith("too late")


def test_only_the_sites_microphone_may_ask_for_a_follow_up(policy: Policy) -> None:
    asked = policy.wake()
    policy.end(asked)
    policy.answered(asked.session_id, continues=True)
    with pytest.raises(grpc.RpcError) as refused:
        policy.follow(asked.session_id, site="office", stub=policy.satellite)
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    follow_up = policy.follow_when_policy_heard(asked.session_id, policy.satellite)
    assert follow_up.granted, follow_up.reason
