"""A mute command sent over MQTT while policy is down is not lost: policy keeps a persistent
session at the broker, which holds the command and delivers it when policy is back (real
Mosquitto, the real policy process)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hearth import events, topics
from hearth.v1 import events_pb2, policy_pb2
from tests import timeouts
from tests.policy.test_policy_faults import _config, _Policy
from tests.support import Broker

pytestmark = pytest.mark.stack


def _muted(policy: _Policy) -> bool:
    reply = policy.stub.GetMute(policy_pb2.GetMuteRequest(site="kitchen"), timeout=timeouts.RPC_S)
    return reply.muted


def test_a_mute_sent_while_policy_is_down_is_applied_when_it_comes_back(
    tmp_path: Path, broker: Broker
) -> None:
    config = _config(tmp_path, broker, instance="base")
    policy = _Policy(config, tmp_path / "policy.log")
    try:
        deadline = time.monotonic() + timeouts.EVENT_S
        while "connected to broker" not in (tmp_path / "policy.log").read_text():
            assert time.monotonic() < deadline, "policy did not connect to the broker"
            time.sleep(0.1)
        assert not _muted(policy)
    finally:
        policy.stop()

    client = broker.client("hearth")  # the owner may ask for a mute
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        command = events_pb2.MuteCommand(header=events.header("test"), muted=True)
        client.publish(
            topics.MUTE_COMMAND.topic("kitchen"), events.encode(command), qos=1
        ).wait_for_publish(timeouts.RPC_S)
    finally:
        client.disconnect()
        client.loop_stop()

    policy = _Policy(config, tmp_path / "policy-again.log")
    try:
        deadline = time.monotonic() + timeouts.EVENT_S
        while not _muted(policy):
            assert time.monotonic() < deadline, "the mute sent while policy was down was lost"
            time.sleep(0.1)
    finally:
        policy.stop()
