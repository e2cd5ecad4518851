"""The policy service itself (its real entry point, a real Mosquitto, real gRPC) when its store is
damaged or full: a corrupt store stops it from starting and is left as it was; a full store stops
storing while mute, reads and deletion go on."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import grpc
import paho.mqtt.client as mqtt
import pytest
import yaml

from hearth import events, topics
from hearth.v1 import events_pb2, policy_pb2, policy_pb2_grpc
from tests import timeouts
from tests.support import Broker, free_port, grpc_channel_as

pytestmark = pytest.mark.stack


def _config(tmp: Path, broker: Broker, **policy: object) -> Path:
    config = {
        "data_dir": str(tmp / "data"),
        "sites": ["kitchen"],
        "mqtt": {"port": broker.port},
        "endpoints": {"policy": f"127.0.0.1:{free_port()}"},
        "policy": {"metrics_port": free_port(), **policy},
    }
    path = tmp / "hearth.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_a_corrupt_store_stops_policy_from_starting_and_is_left_untouched(
    tmp_path: Path, broker: Broker
) -> None:
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)  # the broker's secrets are already in it
    garbage = b"not a database: the owner's data must not be overwritten by a guess\n" * 200
    (data / "policy.db").write_bytes(garbage)
    config = _config(tmp_path, broker)
    result = subprocess.run(
        [sys.executable, "-m", "hearth_policy", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
    )
    assert result.returncode == 1
    assert (
        "policy store" in result.stderr
        and "unreadable" in result.stderr
        and "move it aside" in result.stderr
    ), result.stderr
    assert (data / "policy.db").read_bytes() == garbage
    assert sorted(p.name for p in data.iterdir()) == ["policy.db", "secrets"], (
        "nothing else written beside the store"
    )


class _Policy:
    def __init__(self, config: Path, log: Path) -> None:
        self.settings = yaml.safe_load(config.read_text())
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hearth_policy", "--config", str(config)],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.channel = grpc_channel_as(
            Path(self.settings["data_dir"]) / "secrets",
            self.settings["endpoints"]["policy"],
            "hearth",
        )
        grpc.channel_ready_future(self.channel).result(timeout=timeouts.STACK_START_S)
        self.stub = policy_pb2_grpc.PolicyStub(self.channel)

    def metric(self, name: str) -> float:
        url = f"http://127.0.0.1:{self.settings['policy']['metrics_port']}/metrics"
        for line in (
            urllib.request.urlopen(url, timeout=timeouts.RPC_S).read().decode().splitlines()
        ):
            if line.startswith(name + " "):
                return float(line.split()[1])
        raise AssertionError(f"{name} not exported")

    def stop(self) -> None:
        self.channel.close()
        self.process.terminate()
        self.process.wait(timeouts.STACK_STOP_S)


def _one_command(policy: _Policy, bus: dict[str, mqtt.Client], text: str) -> None:
    """A session as the audio, stt and intent services would make it: granted, heard, understood,
    ended."""
    grant = policy.stub.RequestSession(
        policy_pb2.SessionRequest(site="kitchen", wake_word="hey hestia", score=0.9),
        timeout=timeouts.RPC_S,
    )
    assert grant.granted, grant.reason
    head = events.header("test", site="kitchen", session_id=grant.session_id)
    bus["stt"].publish(
        topics.TRANSCRIPT.topic("kitchen"),
        events.encode(events_pb2.Transcript(header=head, text=text)),
        qos=1,
    ).wait_for_publish()
    recognized = events_pb2.IntentRecognized(
        header=head, intent="HassTurnOn", text=text, slots={"name": "kitchen light"}
    )
    bus["intent"].publish(
        topics.INTENT_RECOGNIZED.topic("kitchen"), events.encode(recognized), qos=1
    ).wait_for_publish()
    policy.stub.EndSession(
        policy_pb2.SessionEndRequest(
            session_id=grant.session_id, site="kitchen", outcome="END_OF_SPEECH"
        ),
        timeout=timeouts.RPC_S,
    )


def test_a_full_store_stops_storing_while_mute_reads_and_forgetting_go_on(
    tmp_path: Path, broker: Broker
) -> None:
    config = _config(tmp_path, broker, max_store_bytes=64 * 1024, session_settle_s=0.5)
    policy = _Policy(config, tmp_path / "policy.log")
    bus = {producer: broker.client(producer) for producer in ("stt", "intent")}
    for client in bus.values():
        client.connect("127.0.0.1", broker.port)
        client.loop_start()
    try:
        assert policy.metric("hearth_privacy_store_writable") == 1
        deadline = time.monotonic() + timeouts.EVENT_S * 4
        while policy.metric("hearth_privacy_store_writable") == 1:
            assert time.monotonic() < deadline, "the store never filled up"
            _one_command(policy, bus, "turn on the kitchen light " + "please " * 120)
            time.sleep(0.6)  # policy records a session once it has ended and settled
        assert "storing has stopped" in policy.log.read_text()

        muted = policy.stub.SetMute(
            policy_pb2.SetMuteRequest(site="kitchen", muted=True, changed_by="test"),
            timeout=timeouts.RPC_S,
        )
        assert (
            muted.muted
            and policy.stub.GetMute(
                policy_pb2.GetMuteRequest(site="kitchen"), timeout=timeouts.RPC_S
            ).muted
        )
        policy.stub.SetMute(
            policy_pb2.SetMuteRequest(site="kitchen", muted=False, changed_by="test"),
            timeout=timeouts.RPC_S,
        )

        report = subprocess.run(
            [
                sys.executable,
                "-m",
                "hearth",
                "--config",
                str(config),
                "privacy",
                "report",
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=timeouts.CLI_S,
        )
        assert report.returncode == 0, report.stderr
        assert json.loads(report.stdout).get("storeWritable", False) is False
        held = sum(
            1
            for _ in policy.stub.Export(
                policy_pb2.ExportRequest(requested_by="test"), timeout=timeouts.RPC_S
            )
        )
        assert held > 0
        forgot = policy.stub.Forget(
            policy_pb2.ForgetRequest(everything=True, requested_by="test"), timeout=timeouts.RPC_S
        )
        assert forgot.deleted == held

        _one_command(policy, bus, "turn on the kitchen light")
        deadline = time.monotonic() + timeouts.EVENT_S
        while policy.metric("hearth_privacy_store_writable") == 0:
            assert time.monotonic() < deadline, "storing did not resume after space was freed"
            time.sleep(0.2)
        deadline = time.monotonic() + timeouts.EVENT_S
        while not list(
            policy.stub.Export(
                policy_pb2.ExportRequest(requested_by="test"), timeout=timeouts.RPC_S
            )
        ):
            assert time.monotonic() < deadline, "the command after the deletion was not stored"
            time.sleep(0.2)
        assert policy.stub.Verify(policy_pb2.VerifyRequest(), timeout=timeouts.RPC_S).ok
        assert policy.process.poll() is None, "policy kept running throughout"
    finally:
        for client in bus.values():
            client.loop_stop()
            client.disconnect()
        policy.stop()
