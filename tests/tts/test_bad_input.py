"""Bad requests get a clear status and one counted rejection, never the text in a log line, and
the service stays up; only the owner, the audio service and a site's own satellite may ask."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest

from hearth.v1 import tts_pb2
from tests import timeouts
from tests.support import Broker
from tests.tts.running import RunningTts, start_tts, stop_tts

SECRET = "the secret recipe is forty two"


@pytest.mark.parametrize(
    ("fields", "code", "reason", "says"),
    [
        (
            {"voice": "en_GB-nobody-low"},
            grpc.StatusCode.NOT_FOUND,
            "unknown_voice",
            "unknown voice",
        ),
        ({"text": "x " * 200}, grpc.StatusCode.INVALID_ARGUMENT, "too_long", "at most 300"),
        ({"text": "  "}, grpc.StatusCode.INVALID_ARGUMENT, "empty", "no text"),
        ({"site": "garage"}, grpc.StatusCode.NOT_FOUND, "unknown_site", "unknown site"),
        ({"sample_rate": 1000}, grpc.StatusCode.INVALID_ARGUMENT, "bad_rate", "sample_rate"),
    ],
    ids=["unknown-voice", "too-long", "empty", "unknown-site", "bad-rate"],
)
def test_a_bad_request_is_refused_and_the_service_stays_up(
    tts: RunningTts, fields: dict[str, object], code: grpc.StatusCode, reason: str, says: str
) -> None:
    labels = {"service": "tts", "kind": "synthesize", "reason": reason}
    before = tts.metric("hearth_messages_rejected_total", **labels)
    text = str(fields.pop("text", SECRET))
    error = tts.refusal(text, **fields)
    assert error.code() == code, error.details()
    assert says in error.details()
    assert tts.metric("hearth_messages_rejected_total", **labels) == before + 1
    assert tts.alive()
    assert tts.synthesize("Done.")[0].voice == "en_US-joe-medium"
    assert SECRET not in tts.log.read_text()


@pytest.mark.parametrize(
    ("identity", "site"), [("satellite-kitchen", "office"), ("stt", "kitchen"), ("wake", "kitchen")]
)
def test_only_the_audio_service_and_the_sites_own_satellite_may_ask(
    tts: RunningTts, identity: str, site: str
) -> None:
    error = tts.refusal("Hello.", identity, site=site)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert tts.metric("hearth_rpc_denied_total", service="tts", method="Synthesize") >= 1


@pytest.mark.parametrize("identity", ["satellite-kitchen", "audio", "hearth"])
def test_the_owner_audio_and_a_satellite_for_its_site_are_served(
    tts: RunningTts, identity: str
) -> None:
    assert tts.synthesize("Hello.", identity, site="kitchen")[-1].sentence_end


def test_a_caller_without_a_voice_list_right_is_refused(tts: RunningTts) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        tts.stub("wake").ListVoices(tts_pb2.ListVoicesRequest())
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED


def test_a_burst_beyond_the_queue_is_refused_not_piled_up(broker: Broker, tmp_path: Path) -> None:
    tts = start_tts(tmp_path, broker, max_concurrent=1, max_waiting=1, cache_s=0)
    try:
        text = "This answer takes a while to say. It has a second sentence, and then a third one."
        with ThreadPoolExecutor(max_workers=6) as pool:
            outcomes = list(pool.map(lambda _: outcome(tts, text), range(6)))
        assert outcomes.count(grpc.StatusCode.OK) >= 2, outcomes
        assert grpc.StatusCode.RESOURCE_EXHAUSTED in outcomes, outcomes
        assert set(outcomes) <= {grpc.StatusCode.OK, grpc.StatusCode.RESOURCE_EXHAUSTED}
        assert tts.metric("hearth_tts_requests_total", outcome="busy") >= 1
        assert tts.synthesize("Still here.")[-1].sentence_end
    finally:
        stop_tts(tts)


def outcome(tts: RunningTts, text: str) -> grpc.StatusCode:
    try:
        tts.synthesize(text)
    except grpc.RpcError as error:
        return error.code()
    return grpc.StatusCode.OK


def test_a_caller_that_goes_away_mid_answer_is_counted_and_the_service_stays_up(
    tts: RunningTts,
) -> None:
    before = tts.metric("hearth_tts_requests_total", outcome="cancelled")
    request = tts_pb2.SynthesizeRequest(
        text="First this. Then a second sentence. And a third one to say.", site="kitchen"
    )
    stream = tts.stub("audio").Synthesize(request, timeout=30)
    assert next(stream).voice == "en_US-joe-medium"
    stream.cancel()
    deadline = time.monotonic() + timeouts.EVENT_S
    while tts.metric("hearth_tts_requests_total", outcome="cancelled") < before + 1:
        assert time.monotonic() < deadline, "the cancelled request was not counted"
        time.sleep(0.05)
    assert tts.synthesize("Still here.")[-1].sentence_end


@pytest.mark.parametrize("field", ["voice", "site"])
def test_a_huge_name_is_not_echoed_whole(tts: RunningTts, field: str) -> None:
    error = tts.refusal("Hello.", **{field: "x" * 5000})
    assert error.code() == grpc.StatusCode.NOT_FOUND
    assert len(error.details()) < 400
    assert "x" * 100 not in tts.log.read_text()
