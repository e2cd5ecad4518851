"""Shared fixtures: synthesized speech and a real English stack (`hearth up` with Mosquitto and
five services)."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.speech import voice_wav, woken_command_wav
from tests.support import Broker, Stack, speak, stack_config, start_stack


def pytest_configure(config: pytest.Config) -> None:
    missing = [
        tool
        for tool in ("mosquitto", "espeak-ng")
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists()
    ]
    if missing:
        raise pytest.UsageError(f"the tests need {', '.join(missing)} (run scripts/setup.sh --dev)")


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def say(speech_dir: Path):
    """say(text, voice=..., speed=...) -> Path of a WAV with that sentence spoken by espeak-ng."""
    made: dict[tuple[str, str, int], Path] = {}

    def _say(text: str, voice: str = "en-us", speed: int = 150) -> Path:
        key = (text, voice, speed)
        if key not in made:
            made[key] = speak(text, speech_dir / f"utt{len(made)}.wav", voice=voice, speed=speed)
        return made[key]

    return _say


@pytest.fixture(scope="session")
def woken_say(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """woken_say("hey hestia, <command>") -> a WAV: the wake word by espeak-ng (the family the
    shipped wake model hears), a pause, the command by Piper (a voice Whisper hears); without the
    wake phrase, Piper alone."""
    directory = tmp_path_factory.mktemp("woken")
    made: dict[str, Path] = {}

    def _say(text: str) -> Path:
        if text not in made:
            path = directory / f"{len(made)}.wav"
            wake, _, command = text.partition(", ")
            if wake.lower() == "hey hestia" and command:
                made[text] = woken_command_wav(command, path)
            else:
                made[text] = voice_wav(text, path, "piper")
        return made[text]

    return _say


@pytest.fixture(scope="module")
def english_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """An English stack per test module for the tests of the pipeline itself (privacy, faults,
    metrics), spoken to by espeak-ng: pocketsphinx in grammar mode, which hears espeak-ng's default
    voice and is fast. Recognition is tested with Whisper, the default engine, in
    test_english_commands.py and test_recognition.py. No recogniser state carries from one session
    to the next, so the tests pass in any order."""
    tmp = tmp_path_factory.mktemp("stack-en")
    stack = start_stack(tmp, stack_config(tmp, stt={"engine": "pocketsphinx", "language": "en"}))
    yield stack
    stack.stop()


@pytest.fixture()
def broker(tmp_path: Path) -> Iterator[Broker]:
    """A real Mosquitto of the test's own, on a free port."""
    broker = Broker(tmp_path)
    broker.start()
    yield broker
    broker.stop()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test fails the run: a missing tool or model must not pass as green."""
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and session.exitstatus == pytest.ExitCode.OK:
        for report in skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
            print(f"\nskipped in CI (not allowed): {report.nodeid}: {reason}", file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
