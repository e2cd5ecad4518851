"""The wake service serves at most wake.max_detect_streams streams at once: a client that opens
more is refused with RESOURCE_EXHAUSTED (each stream costs a model's inference on every chunk),
and a stream that ends frees its place. The real entry point, no broker needed."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import yaml

from hearth import identity
from hearth.v1 import common_pb2, wake_pb2, wake_pb2_grpc
from tests import timeouts
from tests.support import free_port, grpc_channel_as

pytestmark = pytest.mark.stack
FORMAT = common_pb2.AudioFormat(sample_rate=16000, sample_width=2, channels=1)


def _requests(done: threading.Event) -> Iterator[wake_pb2.DetectRequest]:
    yield wake_pb2.DetectRequest(start=wake_pb2.DetectStart(site="kitchen", format=FORMAT))
    done.wait(timeouts.STACK_START_S)


def test_a_stream_beyond_the_cap_is_refused_and_a_closed_one_frees_its_place(
    tmp_path: Path,
) -> None:
    address = f"127.0.0.1:{free_port()}"
    config = tmp_path / "hearth.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp_path / "data"),
                "sites": ["kitchen"],
                "mqtt": {"port": free_port()},
                "endpoints": {"wake": address},
                "wake": {"metrics_port": 0, "max_detect_streams": 1},
            }
        )
    )
    secrets = tmp_path / "data" / "secrets"
    identity.ensure_secrets(secrets)
    log = tmp_path / "wake.log"
    wake = subprocess.Popen(
        [sys.executable, "-m", "hearth_wake", "--config", str(config)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    first_done, second_done, third_done = threading.Event(), threading.Event(), threading.Event()
    try:
        with grpc_channel_as(secrets, address, "audio") as channel:
            grpc.channel_ready_future(channel).result(timeout=timeouts.STACK_START_S)
            stub = wake_pb2_grpc.WakeStub(channel)
            first = stub.Detect(_requests(first_done))
            assert next(first).HasField("ready")
            second = stub.Detect(_requests(second_done))
            with pytest.raises(grpc.RpcError) as refused:
                next(second)
            assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert "1 stream" in (refused.value.details() or "")
            first.cancel()
            first_done.set()
            third = stub.Detect(_requests(third_done))
            assert next(third).HasField("ready"), "a closed stream frees its place"
            third.cancel()
    finally:
        for done in (first_done, second_done, third_done):
            done.set()
        wake.terminate()
        wake.wait(timeouts.STACK_STOP_S)
    assert "too many" in log.read_text()
