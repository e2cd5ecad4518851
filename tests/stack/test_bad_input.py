"""Bad input gets a clear log line and a metric, the service stays up, and the next command still
works."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import grpc
import pytest

from hearth import pcm, tokens, topics
from hearth.v1 import common_pb2, stt_pb2, stt_pb2_grpc, wake_pb2, wake_pb2_grpc
from tests import timeouts
from tests.support import Stack, events_of, producer_of

pytestmark = pytest.mark.stack
FORMAT = common_pb2.AudioFormat(sample_rate=16000, sample_width=2, channels=1)


def _publish(stack: Stack, topic: str, payload: bytes) -> None:
    """Publish as the identity the broker lets write `topic`: what a buggy or compromised
    producer could send."""
    client = stack.mqtt_client(producer_of(topic))
    client.connect("127.0.0.1", stack.mqtt_port)
    client.loop_start()
    try:
        client.publish(topic, payload, qos=1).wait_for_publish(timeouts.RPC_S)
    finally:
        client.disconnect()
        client.loop_stop()


def _assert_next_command_works(stack: Stack, say, *site: str) -> None:
    result = stack.run_file(
        say("hey hestia, turn on the kitchen lights"),
        "--fast",
        *(("--site", *site) if site else ()),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(e["event"] == "intent.recognized" for e in events_of(result))


@pytest.mark.parametrize(
    ("service", "kind", "topic"),
    [
        ("policy", "mute_command", topics.MUTE_COMMAND.topic("kitchen")),
        ("intent", "transcript", topics.TRANSCRIPT.topic("kitchen")),
        ("stt", "vocabulary", topics.VOCABULARY.topic()),
    ],
)
@pytest.mark.parametrize(
    "payload",
    [b"{not json", b'{"muted": {"deep": 1}, "text": 5, "sentences": 7}'],
    ids=["not-json", "wrong-types"],
)
def test_malformed_event_on_every_consumed_topic(
    english_stack: Stack, service: str, kind: str, topic: str, payload: bytes
) -> None:
    before = english_stack.metric(
        service, "hearth_messages_rejected_total", service=service, kind=kind, reason="malformed"
    )
    mark = english_stack.mark()
    _publish(english_stack, topic, payload)
    line = english_stack.wait_for_log(
        rf"{service}: rejected a malformed message on {topic}", after=mark
    )
    assert "deep" not in line  # the payload itself is never logged
    deadline = time.monotonic() + timeouts.EVENT_S
    while (
        english_stack.metric(
            service,
            "hearth_messages_rejected_total",
            service=service,
            kind=kind,
            reason="malformed",
        )
        <= before
    ):
        assert time.monotonic() < deadline, "rejection was not counted"
        time.sleep(0.2)


def test_oversized_event_is_rejected_unread(english_stack: Stack, say) -> None:
    mark = english_stack.mark()
    limit = 1_048_576  # mqtt.max_payload_bytes; the broker itself refuses packets a little larger
    _publish(english_stack, topics.TRANSCRIPT.topic("kitchen"), b"{" + b" " * limit + b"}")
    english_stack.wait_for_log(r"intent: rejected an oversized message", after=mark)
    _assert_next_command_works(english_stack, say)


def test_services_stay_up_after_malformed_events(english_stack: Stack, say) -> None:
    for topic in (
        topics.MUTE_COMMAND.topic("kitchen"),
        topics.TRANSCRIPT.topic("kitchen"),
        topics.VOCABULARY.topic(),
        topics.MUTE_COMMAND.topic("attic"),
    ):
        _publish(english_stack, topic, b"\x00\xff garbage")
    _assert_next_command_works(english_stack, say)


def test_wav_at_44k_stereo_is_converted(english_stack: Stack, say, tmp_path: Path) -> None:
    converted = tmp_path / "stereo44k.wav"
    subprocess.run(
        [
            "sox",
            "-R",
            str(say("hey hestia, turn on the kitchen lights")),
            "-r",
            "44100",
            "-c",
            "2",
            str(converted),
        ],
        check=True,
        timeout=timeouts.SYNTH_S,
    )
    result = english_stack.run_file(converted, "--fast")
    assert result.returncode == 0, result.stdout + result.stderr


def test_file_that_is_not_audio_is_a_clear_error(english_stack: Stack, say, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.wav"
    bogus.write_text("these are not samples")
    result = english_stack.run_file(bogus)
    assert result.returncode == 2
    assert "is not a PCM WAV file" in result.stderr
    _assert_next_command_works(english_stack, say)


def test_unknown_site_is_refused(english_stack: Stack, say) -> None:
    result = english_stack.run_file(say("hey hestia, what time is it"), "--site", "attic")
    assert result.returncode == 2
    assert "unknown site 'attic'" in result.stderr


def _stt_call(stack: Stack, requests: list[stt_pb2.TranscribeRequest]) -> grpc.RpcError:
    with stack.channel("stt", "audio") as channel:
        stub = stt_pb2_grpc.SttStub(channel)
        with pytest.raises(grpc.RpcError) as error:
            list(stub.Transcribe(iter(requests), timeout=timeouts.RPC_S))
    return error.value


def _audio(seconds: float = 0.5) -> stt_pb2.TranscribeRequest:
    return stt_pb2.TranscribeRequest(
        audio=common_pb2.AudioChunk(pcm=b"\x00\x00" * int(seconds * pcm.SAMPLE_RATE))
    )


def _start(token: str, site: str = "kitchen") -> stt_pb2.TranscribeRequest:
    return stt_pb2.TranscribeRequest(
        start=stt_pb2.TranscribeStart(session_token=token, site=site, format=FORMAT)
    )


def _key(stack: Stack) -> bytes:
    return tokens.load_or_create_key(Path(stack.config["data_dir"]) / "secrets" / "session.key")


@pytest.mark.parametrize("case", ["no-start", "no-token", "forged", "expired", "other-site"])
def test_stt_refuses_audio_without_a_valid_session(english_stack: Stack, case: str) -> None:
    now = time.time()
    claims = tokens.SessionClaims(f"test-{case}-{now}", "kitchen", now - 60, now - 30, 10.0)
    requests = {
        "no-start": [_audio()],
        "no-token": [_start(""), _audio()],
        "forged": [
            _start(
                tokens.sign(os.urandom(32), tokens.SessionClaims("f", "kitchen", now, now + 30, 10))
            ),
            _audio(),
        ],
        "expired": [_start(tokens.sign(_key(english_stack), claims)), _audio()],
        "other-site": [
            _start(
                tokens.sign(
                    _key(english_stack), tokens.SessionClaims("o", "office", now, now + 30, 10)
                )
            ),
            _audio(),
        ],
    }[case]
    reason = {
        "no-start": "missing",
        "no-token": "missing",
        "forged": "bad_signature",
        "expired": "expired",
        "other-site": "wrong_site",
    }[case]
    before = english_stack.metric("stt", "hearth_stt_refused_streams_total", reason=reason)
    error = _stt_call(english_stack, requests)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED, error
    assert (
        english_stack.metric("stt", "hearth_stt_refused_streams_total", reason=reason) == before + 1
    )
    english_stack.wait_for_log(
        r"stt: rejected transcribe_stream: session refused|stt: rejected transcribe_stream: the "
        r"first message"
    )


def test_token_cannot_be_used_twice(english_stack: Stack) -> None:
    now = time.time()
    token = tokens.sign(
        _key(english_stack), tokens.SessionClaims(f"twice-{now}", "kitchen", now, now + 30, 10.0)
    )
    with english_stack.channel("stt", "audio") as channel:
        stub = stt_pb2_grpc.SttStub(channel)
        replies = list(
            stub.Transcribe(
                iter(
                    [_start(token), _audio(1.0), stt_pb2.TranscribeRequest(end=stt_pb2.AudioEnd())]
                ),
                timeout=timeouts.RPC_S,
            )
        )
        assert replies[-1].HasField("final")
    error = _stt_call(english_stack, [_start(token), _audio()])
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED


@pytest.mark.parametrize("service", ["stt", "wake"])
def test_ten_megabyte_grpc_message_is_refused_and_service_stays_up(
    english_stack: Stack, service: str, say
) -> None:
    huge = common_pb2.AudioChunk(pcm=b"\x00" * 10_000_000)
    with english_stack.channel(service, "audio") as channel:
        if service == "stt":
            call = stt_pb2_grpc.SttStub(channel).Transcribe(
                iter([stt_pb2.TranscribeRequest(audio=huge)]), timeout=timeouts.RPC_S
            )
        else:
            start = wake_pb2.DetectRequest(
                start=wake_pb2.DetectStart(site="kitchen", format=FORMAT)
            )
            call = wake_pb2_grpc.WakeStub(channel).Detect(
                iter([start, wake_pb2.DetectRequest(audio=huge)]), timeout=timeouts.RPC_S
            )
        with pytest.raises(grpc.RpcError) as error:
            list(call)
    assert error.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    _assert_next_command_works(english_stack, say)


def test_broker_restart_mid_run(english_stack: Stack, say) -> None:
    pid = english_stack.broker_pid()
    mark = english_stack.mark()
    os.kill(pid, signal.SIGKILL)
    english_stack.wait_for_log(r"hearth: broker listening again", after=mark)
    for service in ("policy", "intent", "stt", "wake", "audio"):
        english_stack.wait_for_log(
            rf"{service}: connected to broker", after=mark, timeout=timeouts.EVENT_S * 2
        )
    _assert_next_command_works(english_stack, say)


def test_muted_site_does_not_capture(english_stack: Stack, say) -> None:
    muted = english_stack.hearth("mute", "office")
    assert muted.returncode == 0 and "office" in muted.stdout and "muted" in muted.stdout
    try:
        result = english_stack.run_file(
            say("hey hestia, what time is it"), "--site", "office", "--fast"
        )
        assert result.returncode == 2
        assert "capture not granted: muted" in result.stderr
    finally:
        assert english_stack.hearth("unmute", "office").returncode == 0
    _assert_next_command_works(english_stack, say, "office")


def test_stt_dying_mid_session_ends_the_session_with_an_error_and_comes_back(
    english_stack: Stack, say
) -> None:
    stt = english_stack.service_pid("stt")
    mark = english_stack.mark()
    player = subprocess.Popen(
        [
            *english_stack.hearth_command(),
            "run-file",
            str(say("hey hestia, set a timer for five minutes")),
            "--site",
            "office",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        english_stack.wait_for_log(r"stt: session started on site office", after=mark)
        os.kill(stt, signal.SIGKILL)
        stdout, stderr = player.communicate(timeout=timeouts.RUN_FILE_S)
    finally:
        player.kill()
    assert player.returncode == 1, stdout + stderr
    ended = [
        e
        for e in (json.loads(line) for line in stdout.splitlines() if line.startswith("{"))
        if e["event"] == "session.ended"
    ]
    assert ended and ended[0]["outcome"] == "OUTCOME_ERROR", stdout
    english_stack.wait_for_log(r"hearth: stt exited with code", after=mark)
    english_stack.wait_for_log(r"hearth: stt is back", after=mark, timeout=timeouts.STACK_START_S)
    english_stack.wait_for_log(r"stt: vocabulary \w+: ", after=mark, timeout=timeouts.STACK_START_S)
    _assert_next_command_works(english_stack, say)
