"""Bounded work: Forget, Export (per caller identity) and RequestSession (per caller and site)
are rate limited, so a client in a loop cannot keep policy
deleting, exporting or opening sessions; a refusal is RESOURCE_EXHAUSTED, logged and counted."""

from __future__ import annotations

from pathlib import Path

import grpc
import pytest
import yaml

from hearth.v1 import policy_pb2, policy_pb2_grpc
from hearth_policy.rate_limit import RateLimiter
from tests import timeouts
from tests.policy.test_policy_faults import _Policy
from tests.support import Broker, free_port, grpc_channel_as


def test_a_bucket_allows_its_burst_then_its_rate_per_key() -> None:
    limiter = RateLimiter(per_s=1.0, burst=2)
    assert limiter.allow("kitchen", now=0.0) and limiter.allow("kitchen", now=0.0)
    assert not limiter.allow("kitchen", now=0.1)
    assert limiter.allow("office", now=0.1), "each key has its own bucket"
    assert limiter.allow("kitchen", now=1.2)
    assert not limiter.allow("kitchen", now=1.3)


def test_the_number_of_buckets_is_bounded() -> None:
    limiter = RateLimiter(per_s=1.0, burst=1, max_keys=10)
    for n in range(100):
        limiter.allow(f"key{n}", now=float(n))
    assert len(limiter) <= 10


def _refused(call: object) -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as refused:
        call()  # type: ignore[operator]
    return refused.value


@pytest.mark.stack
def test_policy_refuses_requests_beyond_their_rate(tmp_path: Path, broker: Broker) -> None:
    config = tmp_path / "hearth.yaml"
    limits = {
        "privacy_requests_per_s": 0.01,
        "privacy_request_burst": 2,
        "session_requests_per_s": 0.01,
        "session_request_burst": 2,
    }
    config.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp_path / "data"),
                "sites": ["kitchen", "office"],
                "mqtt": {"port": broker.port},
                "endpoints": {"policy": f"127.0.0.1:{free_port()}"},
                "policy": {"metrics_port": free_port(), **limits},
            }
        )
    )
    policy = _Policy(config, tmp_path / "policy.log")
    stub, timeout = policy.stub, timeouts.RPC_S
    try:
        forget = policy_pb2.ForgetRequest(everything=True, requested_by="test")
        for _ in range(2):
            stub.Forget(forget, timeout=timeout)
        refused = _refused(lambda: stub.Forget(forget, timeout=timeout))
        assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert "too many" in (refused.details() or "")

        export = policy_pb2.ExportRequest(requested_by="test")
        for _ in range(2):
            list(stub.Export(export, timeout=timeout))
        refused = _refused(lambda: list(stub.Export(export, timeout=timeout)))
        assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED

        microphone = grpc_channel_as(
            broker.secrets, policy.settings["endpoints"]["policy"], "audio"
        )
        audio = policy_pb2_grpc.PolicyStub(microphone)

        def session(site: str) -> policy_pb2.SessionGrant:
            request = policy_pb2.SessionRequest(site=site, wake_word="hey hestia", score=0.9)
            return audio.RequestSession(request, timeout=timeout)

        for _ in range(2):
            session("kitchen")
        refused = _refused(lambda: session("kitchen"))
        assert refused.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
        assert session("office").granted, "another site has its own bucket"
        microphone.close()
    finally:
        policy.stop()
    log = (tmp_path / "policy.log").read_text()
    for kind in ("privacy_forget", "privacy_export", "session_request"):
        assert f"too many {kind} requests" in log
