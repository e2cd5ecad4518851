"""A real tts service: `python -m hearth_tts` with a real broker and the home's real identities
(mutual TLS), on free ports, with Piper and espeak-ng; for the tests and bench/tts_latency.py."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import yaml

from hearth.v1 import tts_pb2, tts_pb2_grpc
from tests import timeouts
from tests.support import Broker, child_env, free_port, grpc_channel_as, process_memory_mb

SITES = ["kitchen", "office"]


@dataclass
class RunningTts:
    address: str
    data_dir: Path
    metrics_url: str
    secrets: Path
    process: subprocess.Popen[str]
    log: Path
    channels: dict[str, Any] = field(default_factory=dict)

    def stub(self, identity: str = "hearth") -> Any:
        """A client presenting `identity`'s certificate, on one channel per identity."""
        if identity not in self.channels:
            self.channels[identity] = grpc_channel_as(self.secrets, self.address, identity)
        return tts_pb2_grpc.TtsStub(self.channels[identity])

    def synthesize(
        self, text: str, identity: str = "audio", **fields: Any
    ) -> list[tts_pb2.SynthesizeResponse]:
        request = tts_pb2.SynthesizeRequest(text=text, site=fields.pop("site", "kitchen"), **fields)
        return list(self.stub(identity).Synthesize(request, timeout=timeouts.RPC_S * 6))

    def refusal(self, text: str, identity: str = "audio", **fields: Any) -> grpc.RpcError:
        """The error of a request that must fail."""
        try:
            self.synthesize(text, identity, **fields)
        except grpc.RpcError as error:
            return error
        raise AssertionError("the request was served")

    def rss_mb(self) -> tuple[float, float]:
        """The service's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
        return process_memory_mb(self.process.pid)

    def metric(self, name: str, **labels: str) -> float:
        text = urllib.request.urlopen(self.metrics_url, timeout=timeouts.RPC_S).read().decode()
        total = 0.0
        for line in text.splitlines():
            if line.startswith((name + "{", name + " ")) and all(
                f'{key}="{value}"' in line for key, value in labels.items()
            ):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def alive(self) -> bool:
        return self.process.poll() is None


def start_tts(tmp: Path, broker: Broker, **section: Any) -> RunningTts:
    address = f"127.0.0.1:{free_port()}"
    metrics_port = free_port()
    config = tmp / "hearth.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp / "data"),
                "secrets_dir": str(broker.secrets),
                "sites": SITES,
                "mqtt": {"port": broker.port},
                "endpoints": {"tts": address},
                "tts": {"metrics_port": metrics_port, **section},
            }
        )
    )
    log = tmp / "tts.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "hearth_tts", "--config", str(config)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
        env=child_env(),
    )
    tts = RunningTts(
        address,
        tmp / "data",
        f"http://127.0.0.1:{metrics_port}/metrics",
        broker.secrets,
        process,
        log,
    )
    deadline = time.monotonic() + timeouts.STACK_START_S
    while "tts 0.1.0 started" not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the tts service did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.1)
    return tts


def stop_tts(tts: RunningTts) -> None:
    for channel in tts.channels.values():
        channel.close()
    tts.process.terminate()
    try:
        tts.process.wait(timeouts.STACK_STOP_S)
    except subprocess.TimeoutExpired:
        tts.process.kill()
        tts.process.wait()
