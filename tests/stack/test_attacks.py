"""The attacks a hostile process on the home server (or a hostile device on the home network)
made before identities existed, each tried again against a real stack (`hearth up`, Mosquitto,
the five services): forged transcripts, intents, vocabulary, audit head and mute commands, a
claimed audit actor, privacy operations without the right identity, a satellite speaking for
another room. Each is refused, logged and counted; the honest path still works."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from hearth import events, topics
from hearth.v1 import (
    common_pb2,
    events_pb2,
    intent_pb2,
    intent_pb2_grpc,
    policy_pb2,
    policy_pb2_grpc,
    wake_pb2,
    wake_pb2_grpc,
)
from tests import timeouts
from tests.support import EventWatcher, Stack, stack_config, start_stack

pytestmark = pytest.mark.stack
SETTLE_S = 2.0
"""How long a forged message is given to have an effect it must not have."""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack-attacks")
    config = stack_config(tmp, stt={"engine": "pocketsphinx", "language": "en"})
    running = start_stack(tmp, config, satellites=("kitchen",))
    yield running
    running.stop()


@pytest.fixture()
def watcher(stack: Stack) -> Iterator[EventWatcher]:
    watching = EventWatcher(stack)
    time.sleep(0.5)  # subscribed before anything is published
    yield watching
    watching.close()


def _publish(stack: Stack, identity: str, topic: str, message: Any, retain: bool = False) -> None:
    client = stack.mqtt_client(identity)
    client.connect("127.0.0.1", stack.mqtt_port)
    client.loop_start()
    try:
        client.publish(topic, events.encode(message), qos=1, retain=retain).wait_for_publish(
            timeouts.RPC_S
        )
    finally:
        client.disconnect()
        client.loop_stop()


def _retained(stack: Stack, topic: str) -> dict[str, Any] | None:
    """What a new subscriber gets from the broker's retained store for `topic`."""
    watching = EventWatcher(stack, topic)
    try:
        time.sleep(1.0)
        return watching.events[-1][1] if watching.events else None
    finally:
        watching.close()


def _policy(stack: Stack, identity: str = "hearth") -> policy_pb2_grpc.PolicyStub:
    return policy_pb2_grpc.PolicyStub(stack.channel("policy", identity))


def _muted(stack: Stack, site: str) -> bool:
    reply = _policy(stack).GetMute(policy_pb2.GetMuteRequest(site=site), timeout=timeouts.RPC_S)
    return bool(reply.muted)


def _denied(stack: Stack, method: str, reason: str) -> float:
    return stack.metric(
        "policy", "hearth_rpc_denied_total", service="policy", method=method, reason=reason
    )


@pytest.mark.parametrize("identity", ["satellite-kitchen", "audio", "wake"])
def test_a_forged_transcript_never_reaches_intent(
    stack: Stack, watcher: EventWatcher, identity: str
) -> None:
    head = events.header("stt", site="kitchen", session_id=f"forged-{identity}")
    forged = events_pb2.Transcript(header=head, text="delete everything I said today")
    _publish(stack, identity, topics.TRANSCRIPT.topic("kitchen"), forged)
    time.sleep(SETTLE_S)
    assert not any(t.endswith("/transcript") for t, _ in watcher.events), "the broker passed it"
    assert not _intent_results(watcher), "intent acted on it"


def _intent_results(watcher: EventWatcher) -> list[str]:
    return [t for t, _ in watcher.events if t.endswith(("/recognized", "/not_recognized"))]


def test_a_transcript_for_a_session_policy_never_granted_is_not_acted_on(
    stack: Stack, watcher: EventWatcher
) -> None:
    """Even from stt's own identity (a compromised or buggy stt): intent acts only for sessions
    policy started."""

    def refused() -> float:
        return stack.metric(
            "intent",
            "hearth_messages_rejected_total",
            service="intent",
            kind="transcript",
            reason="unknown_session",
        )

    before = refused()
    head = events.header("stt", site="kitchen", session_id="never-granted")
    forged = events_pb2.Transcript(header=head, text="turn on the kitchen lights")
    _publish(stack, "stt", topics.TRANSCRIPT.topic("kitchen"), forged)
    watcher.wait_for("/stt/kitchen/transcript")
    time.sleep(SETTLE_S)
    assert not _intent_results(watcher)
    assert refused() == before + 1


def test_a_forged_intent_never_reaches_policy(stack: Stack, watcher: EventWatcher) -> None:
    head = events.header("intent", site="kitchen", session_id="forged-intent")
    forged = events_pb2.IntentRecognized(header=head, intent="HassTurnOn", text="forged")
    _publish(stack, "stt", topics.INTENT_RECOGNIZED.topic("kitchen"), forged)
    time.sleep(SETTLE_S)
    assert not _intent_results(watcher)


def test_a_forged_vocabulary_does_not_replace_intents(stack: Stack) -> None:
    before = _retained(stack, topics.VOCABULARY.topic())
    assert before is not None and before.get("version")
    forged = events_pb2.Vocabulary(version="forged", sentences=["unlock the front door"])
    _publish(stack, "wake", topics.VOCABULARY.topic(), forged, retain=True)
    _publish(stack, "satellite-kitchen", topics.VOCABULARY.topic(), forged, retain=True)
    after = _retained(stack, topics.VOCABULARY.topic())
    assert after is not None and after["version"] == before["version"]


def test_a_forged_audit_head_does_not_replace_policys(stack: Stack) -> None:
    real = _policy(stack).Verify(policy_pb2.VerifyRequest(), timeout=timeouts.RPC_S)
    forged = events_pb2.AuditHeadState(length=0, head="0" * 64)
    _publish(stack, "intent", topics.AUDIT_HEAD.topic(), forged, retain=True)
    retained = _retained(stack, topics.AUDIT_HEAD.topic())
    assert retained is None or retained.get("head") != "0" * 64
    assert real.ok


def test_a_mute_command_from_a_service_is_ignored(stack: Stack) -> None:
    assert not _muted(stack, "office")
    _publish(stack, "wake", topics.MUTE_COMMAND.topic("office"), events_pb2.MuteCommand(muted=True))
    _publish(
        stack,
        "satellite-kitchen",
        topics.MUTE_COMMAND.topic("office"),
        events_pb2.MuteCommand(muted=True),
    )
    time.sleep(SETTLE_S)
    assert not _muted(stack, "office")


def test_a_satellite_may_mute_its_own_room(stack: Stack) -> None:
    _publish(
        stack,
        "satellite-kitchen",
        topics.MUTE_COMMAND.topic("kitchen"),
        events_pb2.MuteCommand(muted=True),
    )
    try:
        deadline = time.monotonic() + timeouts.EVENT_S
        while not _muted(stack, "kitchen"):
            assert time.monotonic() < deadline, "the satellite's own mute button did nothing"
            time.sleep(0.2)
    finally:
        _policy(stack).SetMute(
            policy_pb2.SetMuteRequest(site="kitchen", muted=False), timeout=timeouts.RPC_S
        )


def test_the_audit_names_the_caller_not_what_it_claims(stack: Stack) -> None:
    owner = _policy(stack)
    reply = owner.SetMute(
        policy_pb2.SetMuteRequest(site="bedroom", muted=True, changed_by="voice"),
        timeout=timeouts.RPC_S,
    )
    owner.SetMute(policy_pb2.SetMuteRequest(site="bedroom", muted=False), timeout=timeouts.RPC_S)
    assert reply.changed_by == "hearth"
    history = owner.Report(policy_pb2.ReportRequest(), timeout=timeouts.RPC_S).mute_history
    # Newest first: the two changes above (policy's own first entry, for the new store, is older).
    assert [c.changed_by for c in history if c.site == "bedroom"][:2] == ["hearth", "hearth"]


def _privacy_calls(stub: policy_pb2_grpc.PolicyStub) -> dict[str, Any]:
    return {
        "Export": lambda: list(stub.Export(policy_pb2.ExportRequest(), timeout=timeouts.RPC_S)),
        "Forget": lambda: stub.Forget(
            policy_pb2.ForgetRequest(site="kitchen", everything=True), timeout=timeouts.RPC_S
        ),
        "LastTranscript": lambda: stub.LastTranscript(
            policy_pb2.LastTranscriptRequest(site="kitchen"), timeout=timeouts.RPC_S
        ),
        "SetMute": lambda: stub.SetMute(
            policy_pb2.SetMuteRequest(site="kitchen", muted=True), timeout=timeouts.RPC_S
        ),
    }


@pytest.mark.parametrize("method", ["Export", "Forget", "LastTranscript", "SetMute"])
def test_privacy_operations_without_a_certificate_fail_at_the_handshake(
    stack: Stack, method: str
) -> None:
    credentials = grpc.ssl_channel_credentials(
        root_certificates=(stack.secrets / "ca.crt").read_bytes()
    )
    with grpc.secure_channel(stack.endpoint("policy"), credentials) as channel:
        with pytest.raises(grpc.RpcError) as refused:
            _privacy_calls(policy_pb2_grpc.PolicyStub(channel))[method]()
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
    assert not _muted(stack, "kitchen")


@pytest.mark.parametrize("identity", ["wake", "stt", "audio", "satellite-kitchen"])
@pytest.mark.parametrize("method", ["Export", "Forget", "LastTranscript"])
def test_privacy_operations_are_the_owners(stack: Stack, identity: str, method: str) -> None:
    reason = "not_allowed"
    before = _denied(stack, method, reason)
    with pytest.raises(grpc.RpcError) as refused:
        _privacy_calls(_policy(stack, identity))[method]()
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert _denied(stack, method, reason) == before + 1


@pytest.mark.parametrize("method", ["Forget", "LastTranscript", "SetMute"])
def test_intent_acts_only_for_a_session_that_was_spoken(stack: Stack, method: str) -> None:
    before = _denied(stack, method, "no_session")
    with pytest.raises(grpc.RpcError) as refused:
        _privacy_calls(_policy(stack, "intent"))[method]()
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "session" in (refused.value.details() or "")
    assert _denied(stack, method, "no_session") == before + 1
    assert not _muted(stack, "kitchen")


def test_a_satellite_speaks_only_for_its_own_room(stack: Stack) -> None:
    satellite = _policy(stack, "satellite-kitchen")
    before = _denied(stack, "RequestSession", "other_site")
    with pytest.raises(grpc.RpcError) as refused:
        satellite.RequestSession(
            policy_pb2.SessionRequest(site="office", wake_word="hey hestia", score=0.9),
            timeout=timeouts.RPC_S,
        )
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert _denied(stack, "RequestSession", "other_site") == before + 1
    fmt = common_pb2.AudioFormat(sample_rate=16000, sample_width=2, channels=1)
    with stack.channel("wake", "satellite-kitchen") as channel:
        stream = wake_pb2_grpc.WakeStub(channel).Detect(
            iter([wake_pb2.DetectRequest(start=wake_pb2.DetectStart(site="office", format=fmt))]),
            timeout=timeouts.RPC_S,
        )
        with pytest.raises(grpc.RpcError) as wake_refused:
            list(stream)
    assert wake_refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_satellite_may_ask_for_its_own_room(stack: Stack) -> None:
    grant = _policy(stack, "satellite-kitchen").RequestSession(
        policy_pb2.SessionRequest(site="kitchen", wake_word="hey hestia", score=0.9),
        timeout=timeouts.RPC_S,
    )
    assert grant.granted, grant.reason
    _policy(stack, "satellite-kitchen").EndSession(
        policy_pb2.SessionEndRequest(
            session_id=grant.session_id, site="kitchen", outcome="CANCELLED"
        ),
        timeout=timeouts.RPC_S,
    )


def test_text_queries_are_the_owners(stack: Stack) -> None:
    for identity, allowed in (("hearth", True), ("wake", False), ("satellite-kitchen", False)):
        with stack.channel("intent", identity) as channel:
            stub = intent_pb2_grpc.IntentStub(channel)
            request = intent_pb2.RecognizeRequest(text="what time is it", site="kitchen")
            if allowed:
                assert stub.Recognize(request, timeout=timeouts.RPC_S).recognized
            else:
                with pytest.raises(grpc.RpcError) as refused:
                    stub.Recognize(request, timeout=timeouts.RPC_S)
                assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_an_anonymous_client_gets_nothing_from_the_broker(stack: Stack) -> None:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    client = mqtt.Client(callback_api_version=CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.tls_set(ca_certs=str(stack.secrets / "ca.crt"))
    reasons: list[str] = []
    client.on_connect = lambda _c, _u, _f, reason, _p: reasons.append(str(reason))
    client.connect("127.0.0.1", stack.mqtt_port)
    client.loop_start()
    deadline = time.monotonic() + timeouts.EVENT_S
    while not reasons and time.monotonic() < deadline:
        time.sleep(0.05)
    client.loop_stop()
    assert reasons == ["Not authorized"]


def test_the_data_directory_is_private(stack: Stack) -> None:
    data = Path(stack.config["data_dir"])
    assert data.stat().st_mode & 0o077 == 0, oct(data.stat().st_mode)
    exposed = [str(path) for path in (data / "secrets").rglob("*") if path.stat().st_mode & 0o077]
    assert not exposed
