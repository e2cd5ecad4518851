"""A session token opens one stream, even across a restart of stt: the redemptions are kept on
disk until the tokens expire (a replayed token must not work because stt was restarted)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import yaml

from hearth import identity, tokens
from hearth.v1 import common_pb2, stt_pb2, stt_pb2_grpc
from tests import timeouts
from tests.support import free_port, grpc_channel_as

pytestmark = pytest.mark.stack
FORMAT = common_pb2.AudioFormat(sample_rate=16000, sample_width=2, channels=1)


def _start_stt(config: Path, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "hearth_stt", "--config", str(config)],
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
    )
    return process


def _stream(token: str) -> Iterator[stt_pb2.TranscribeRequest]:
    start = stt_pb2.TranscribeStart(session_token=token, site="kitchen", format=FORMAT)
    yield stt_pb2.TranscribeRequest(start=start)
    yield stt_pb2.TranscribeRequest(audio=common_pb2.AudioChunk(pcm=b"\0\0" * 1600))


def _transcribe(secrets: Path, address: str, token: str) -> grpc.StatusCode:
    with grpc_channel_as(secrets, address, "audio") as channel:
        grpc.channel_ready_future(channel).result(timeout=timeouts.STACK_START_S)
        try:
            list(stt_pb2_grpc.SttStub(channel).Transcribe(_stream(token), timeout=timeouts.RPC_S))
        except grpc.RpcError as error:
            return error.code()
    return grpc.StatusCode.OK


def test_a_used_token_is_refused_after_stt_restarts(tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    config = tmp_path / "hearth.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "data_dir": str(tmp_path / "data"),
                "sites": ["kitchen"],
                "mqtt": {"port": free_port(), "reconnect_max_s": 1},
                "endpoints": {"stt": address},
                "stt": {"metrics_port": 0, "engine": "pocketsphinx", "mode": "open"},
            }
        )
    )
    secrets = tmp_path / "data" / "secrets"
    identity.ensure_secrets(secrets)
    log = tmp_path / "stt.log"
    stt = _start_stt(config, log)
    try:
        assert (
            _transcribe(secrets, address, "") == grpc.StatusCode.PERMISSION_DENIED
        )  # up and checking
        key = tokens.load_or_create_key(secrets / "session.key")
        now = time.time()
        claims = tokens.SessionClaims("session-1", "kitchen", now, now + 60, 5.0)
        token = tokens.sign(key, claims)
        assert _transcribe(secrets, address, token) == grpc.StatusCode.OK
        assert _transcribe(secrets, address, token) == grpc.StatusCode.PERMISSION_DENIED
    finally:
        stt.terminate()
        stt.wait(timeouts.STACK_STOP_S)
    stt = _start_stt(config, log)
    try:
        assert _transcribe(secrets, address, token) == grpc.StatusCode.PERMISSION_DENIED, (
            log.read_text()
        )
        assert "already used" in log.read_text()
    finally:
        stt.terminate()
        stt.wait(timeouts.STACK_STOP_S)
