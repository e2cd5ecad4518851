"""Parts of the audio service's speaking side that need no tts service: the chime, answer files,
the pace of writing, the echo decision on timestamps, the silence that ends a follow-up, player
processes, and the say queue (with a real broker)."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import sys
import threading
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from hearth import events, topics
from hearth.bus import Bus
from hearth.identity import resolve
from hearth.settings import CommonSettings, MqttSettings
from hearth.v1 import events_pb2
from hearth_audio.answer_files import AnswerFiles, write_wav
from hearth_audio.chime import chime
from hearth_audio.echo_guard import EchoGuard, EchoWindow, Verdict
from hearth_audio.follow_up import SilenceWatch
from hearth_audio.output import OutputError, PlayerPlayback, player_arguments
from hearth_audio.pacing import LEAD_S, Pacer
from hearth_audio.settings import AudioSettings
from hearth_audio.speaker import Speaker, to_wake_format
from tests import timeouts
from tests.support import Broker


class FakeClock:
    """Time that moves only when the test says so (the decisions are about timestamps)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(float)))
    return float(np.argmax(spectrum) * rate / samples.size)


@pytest.mark.parametrize("rate", [16000, 22050, 48000])
def test_the_chime_is_two_falling_tones_of_about_0_4_s(rate: int) -> None:
    samples = np.frombuffer(chime(rate), dtype="<i2")
    assert 0.35 <= samples.size / rate <= 0.5
    assert 0 < np.max(np.abs(samples)) < 0.5 * 32767
    half = samples.size // 2
    first, second = _dominant_hz(samples[:half], rate), _dominant_hz(samples[half:], rate)
    assert abs(first - 880) < 15 and abs(second - 660) < 15
    assert abs(int(samples[0])) < 200 and abs(int(samples[-1])) < 200, "clicks at the edges"


def test_an_answer_file_is_a_private_wav_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "answers" / "kitchen.wav"
    write_wav(path, b"\x01\x00" * 22050, 22050)
    write_wav(path, b"\x02\x00" * 1000, 16000)
    with wave.open(str(path), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2)
        assert wav.readframes(wav.getnframes()) == b"\x02\x00" * 1000
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["kitchen.wav"], "a partial file was left"


def test_an_answer_file_is_deleted_after_its_time_even_across_a_restart(tmp_path: Path) -> None:
    async def scenario() -> None:
        files = AnswerFiles(tmp_path, keep_s=0.3)
        path = await files.write("kitchen", b"\x00\x00" * 100, 16000)
        await asyncio.sleep(0.15)
        await files.write("kitchen", b"\x00\x00" * 100, 16000)  # a new answer: a new 0.3 s
        await asyncio.sleep(0.2)
        assert path.exists()
        await asyncio.sleep(0.2)
        assert not path.exists()
        files.close()
        # Written by an earlier process 10 s ago, kept 0.3 s: gone at the next start.
        write_wav(path, b"\x00\x00", 16000)
        os.utime(path, (time.time() - 10, time.time() - 10))
        restarted = AnswerFiles(tmp_path, keep_s=0.3)
        restarted.expire_left_over("kitchen")
        await asyncio.sleep(0.05)
        assert not path.exists()
        restarted.close()

    asyncio.run(scenario())


def test_writing_keeps_a_short_lead_over_playing_and_restarts_after_running_dry() -> None:
    clock = FakeClock()
    pacer = Pacer(16000, clock)
    assert pacer.delay() == 0.0
    pacer.wrote(16000)  # one second at once: the first write starts the clock
    assert pacer.delay() == pytest.approx(1.0 - LEAD_S)
    clock.now += 0.5
    assert pacer.remaining_s() == pytest.approx(0.5)
    assert pacer.played_s() == pytest.approx(0.5)
    clock.now += 2.0  # synthesis was slow: the output ran dry 1.5 s ago
    assert pacer.played_s() == pytest.approx(1.0)
    assert pacer.delay() == 0.0
    pacer.wrote(1600)
    assert pacer.remaining_s() == pytest.approx(0.1), "the clock did not restart from now"


def test_the_wake_format_of_what_is_played_is_16_khz() -> None:
    rate = 22050
    tone = (np.sin(2 * np.pi * 440 * np.arange(rate) / rate) * 10000).astype("<i2")
    converted = np.frombuffer(to_wake_format(tone.tobytes(), rate), dtype="<i2")
    assert abs(converted.size - 16000) <= 1
    assert abs(_dominant_hz(converted, 16000) - 440) < 3


def test_a_wake_word_with_no_answer_playing_is_ordinary() -> None:
    window = EchoWindow()
    assert window.verdict(10.0, 10.0) is Verdict.NOT_SPEAKING
    window.playback_started()
    window.playback_ended(at=20.0)
    assert window.verdict(20.0 + window.after_playback_s + 0.1, 30.0) is Verdict.NOT_SPEAKING


def test_the_answer_heard_by_the_microphone_matches_the_reference_detection() -> None:
    window = EchoWindow(match_s=1.5, catch_up_s=0.8)
    window.playback_started()
    window.reference_detected(at=50.0)
    assert window.verdict(50.9, 50.9) is Verdict.OWN_VOICE  # the microphone hears it later
    assert window.verdict(49.8, 50.0) is Verdict.OWN_VOICE  # or a little earlier
    window.playback_ended(at=51.2)
    assert window.verdict(51.4, 51.4) is Verdict.OWN_VOICE, "the room's last words after the end"
    assert window.reference_lead(50.9) == pytest.approx(0.9)


def test_a_wake_word_no_reference_matches_is_a_person_once_the_reference_had_time() -> None:
    window = EchoWindow(match_s=1.5, catch_up_s=0.8)
    window.playback_started()
    window.reference_detected(at=40.0)  # an earlier wake phrase in the answer
    assert window.verdict(45.0, 45.1) is None, "decided before the reference could catch up"
    assert window.verdict(45.0, 45.85) is Verdict.BARGE_IN


def test_the_guard_waits_for_a_late_reference_and_no_longer_than_it_must() -> None:
    async def scenario() -> tuple[Verdict, Verdict, float]:
        guard = EchoGuard(EchoWindow(catch_up_s=0.5))
        guard.playback_started()
        heard = time.monotonic()
        asyncio.get_running_loop().call_later(0.1, guard.reference_detected)
        own = await guard.judge(heard)
        person_heard = time.monotonic() + 2.0  # well past the reference above
        waited = time.monotonic()
        person = await guard.judge(person_heard)
        return own, person, time.monotonic() - waited

    own, person, waited = asyncio.run(scenario())
    assert own is Verdict.OWN_VOICE
    assert person is Verdict.BARGE_IN
    assert waited < 2.0 + 0.5 + 0.3


def _pcm(level: float, seconds: float) -> bytes:
    count = int(16000 * seconds)
    return (np.sin(np.arange(count) * 0.3) * level * 32767).astype("<i2").tobytes()


def test_a_follow_up_nobody_speaks_in_ends_after_its_listening_time() -> None:
    clock = FakeClock()
    watch = SilenceWatch(listen_s=4.0, clock=clock)
    for _ in range(10):
        clock.now += 0.39
        assert not watch.timed_out(_pcm(0.001, 0.02))
    clock.now += 0.2
    assert watch.timed_out(_pcm(0.001, 0.02))


def test_a_follow_up_someone_speaks_in_is_left_to_stt() -> None:
    clock = FakeClock()
    watch = SilenceWatch(listen_s=4.0, clock=clock)
    clock.now += 3.0
    for _ in range(10):  # 0.2 s of speech
        assert not watch.timed_out(_pcm(0.3, 0.02))
    clock.now += 30.0
    assert not watch.timed_out(_pcm(0.0, 0.02))


def test_a_click_is_not_speech() -> None:
    clock = FakeClock()
    watch = SilenceWatch(listen_s=1.0, clock=clock)
    assert not watch.timed_out(_pcm(0.5, 0.02))
    clock.now += 2.0
    assert watch.timed_out(_pcm(0.0, 0.02))


def test_a_player_gets_the_rate_and_the_audio(tmp_path: Path) -> None:
    out = tmp_path / "played.raw"
    command = ["sh", "-c", f'test "$1" = 22050 && cat > {out}', "sh", "{rate}"]
    assert player_arguments(command, 22050)[-1] == "22050"

    async def scenario() -> None:
        playback = await PlayerPlayback.start(command, 22050)
        await playback.write(b"\x01\x02" * 100)
        await playback.finish()

    asyncio.run(scenario())
    assert out.read_bytes() == b"\x01\x02" * 100


def test_a_missing_or_failing_player_is_a_clear_error() -> None:
    async def missing() -> None:
        await PlayerPlayback.start(["no-such-player-xyz", "-r", "{rate}"], 16000)

    with pytest.raises(OutputError, match="cannot start player command 'no-such-player-xyz'"):
        asyncio.run(missing())

    async def failing() -> None:
        playback = await PlayerPlayback.start(
            ["sh", "-c", "echo 'no such device' >&2; exit 3"], 16000
        )
        await asyncio.sleep(0.2)
        await playback.write(b"\x00\x00" * 50_000)
        await playback.finish()

    with pytest.raises(OutputError, match=r"exit code 3\): no such device"):
        asyncio.run(failing())


def test_a_stopped_player_is_gone_at_once() -> None:
    async def scenario() -> float:
        playback = await PlayerPlayback.start(
            [sys.executable, "-c", "import time; time.sleep(30)"], 16000
        )
        started = time.monotonic()
        await playback.stop()
        assert playback.process.returncode is not None
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 0.5


class Finished:
    """Collects the site's finished events from the real broker."""

    def __init__(self, broker: Broker) -> None:
        self.events: list[dict[str, Any]] = []
        self.arrived = threading.Event()
        self.client = broker.client("hearth")
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", broker.port)
        self.client.subscribe(topics.SPEECH_FINISHED.topic("kitchen"), qos=1)
        self.client.loop_start()

    def _on_message(self, _client: Any, _userdata: Any, message: Any) -> None:
        self.events.append(json.loads(message.payload))
        self.arrived.set()

    def wait(self, count: int) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeouts.EVENT_S
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.events

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def _say(say_id: str, text: str = "hello") -> events_pb2.SayRequest:
    return events_pb2.SayRequest(
        header=events.header("hearth", site="kitchen"), text=text, say_id=say_id, purpose="answer"
    )


@pytest.mark.parametrize("output", ["player", "none"])
def test_queue_overflow_and_a_site_without_output_end_in_clear_events(
    broker: Broker, tmp_path: Path, output: str
) -> None:
    """Nothing is played here (the speaker's loop is not started): what waits stays queued."""
    common = CommonSettings(data_dir=tmp_path / "data", mqtt=MqttSettings(port=broker.port))
    settings = AudioSettings(site="kitchen", say_queue=1, output=output)  # type: ignore[arg-type]
    finished = Finished(broker)
    rejected: list[tuple[str, str, str]] = []

    async def scenario() -> None:
        bus = Bus(common.mqtt, "audio", resolve(common, "audio"))
        await bus.connect()
        assert await bus.wait_connected(timeouts.EVENT_S)
        from hearth_audio.output import Output

        speaker_output = Output(output, ("true",), None, "kitchen") if output != "none" else None
        speaker = Speaker(
            common,
            settings,
            resolve(common, "audio"),
            bus,
            lambda *args: rejected.append(args),
            speaker_output,
        )
        topic = topics.SAY.topic("kitchen")
        await speaker.on_say(topic, _say("first"))
        await speaker.on_say(topic, _say("second"))
        await speaker.on_say(topic, _say("empty", text="  "))
        await speaker.on_say(topics.SAY.topic("office"), _say("elsewhere"))
        finished.wait(1 if output == "player" else 2)
        await speaker.close()
        await bus.disconnect()

    try:
        asyncio.run(scenario())
    finally:
        finished.close()
    assert [r[1] for r in rejected] == ["empty", "wrong_site"]
    if output == "none":
        assert [(e["say_id"], e["outcome"]) for e in finished.events] == [
            ("first", "OUTCOME_NO_OUTPUT"),
            ("second", "OUTCOME_NO_OUTPUT"),
        ]
        assert "no output" in finished.events[0]["detail"]
    else:
        assert [(e["say_id"], e["outcome"]) for e in finished.events] == [
            ("second", "OUTCOME_FAILED")
        ]
        assert finished.events[0]["detail"].startswith("queue full")


def test_hearth_up_demo_has_the_audio_service_write_answers_to_the_data_dir(
    tmp_path: Path,
) -> None:
    import argparse

    from hearth.cli import up
    from hearth.settings import load_settings
    from hearth_audio.service import answer_files_for

    parser = argparse.ArgumentParser()
    up.add_arguments(parser)
    common = CommonSettings(data_dir=tmp_path)
    env = up.Launcher(common, None, parser.parse_args(["--demo"])).service_env()
    common, audio = load_settings("audio", AudioSettings, None, environ=env)
    assert (audio.source, audio.output) == ("none", "file")
    assert answer_files_for(common, audio).path("kitchen") == tmp_path / "answers" / "kitchen.wav"
    env = up.Launcher(common, None, parser.parse_args(["--no-mic"])).service_env()
    assert load_settings("audio", AudioSettings, None, environ=env)[1].output == "player"
