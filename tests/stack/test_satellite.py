"""A satellite: the audio service of another room, on another machine, holding only its own
identity (`hearth init --satellite kitchen` on the base, four files copied over). It speaks for
its own room over TLS, and is refused for any other."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests import timeouts
from tests.support import (
    REPO,
    EventWatcher,
    Stack,
    child_env,
    free_port,
    speak_16k,
    stack_config,
    start_stack,
)

pytestmark = pytest.mark.stack
MIC = REPO / "tests" / "tools" / "looping_mic.py"
SATELLITE_FILES = (
    "ca.crt",
    "identities/satellite-kitchen.crt",
    "identities/satellite-kitchen.key",
    "mqtt/satellite-kitchen.password",
)
"""Everything a satellite holds: the base's CA, its certificate and key, its broker password."""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("stack-base")
    config = stack_config(tmp, stt={"engine": "pocketsphinx"})
    stack = start_stack(tmp, config, satellites=("kitchen",))
    yield stack
    stack.stop()


def _satellite(base: Stack, tmp: Path, site: str) -> Satellite:
    """The satellite's audio service, configured as its own machine would be."""
    secrets = tmp / "satellite-secrets"
    for name in SATELLITE_FILES:
        (secrets / name).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        shutil.copy2(base.secrets / name, secrets / name)
    command = speak_16k("hey hestia, turn on the kitchen lights", tmp / "command.wav")
    config = {
        "data_dir": str(tmp / "satellite-data"),
        "secrets_dir": str(secrets),
        "identity": "satellite-kitchen",
        "mqtt": {"port": base.mqtt_port},
        "endpoints": base.config["endpoints"],
        "audio": {
            "site": site,
            "source": "mic",
            "mic_command": [sys.executable, str(MIC), str(command), "3"],
            "metrics_port": free_port(),
        },
    }
    path = tmp / "satellite.yaml"
    path.write_text(yaml.safe_dump(config))
    return Satellite(
        subprocess.Popen(
            [sys.executable, "-m", "hearth_audio", "--config", str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=child_env(),
        )
    )


class Satellite:
    """The satellite's process and the lines it has printed so far, read as they come."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_output(self, text: str, timeout: float = timeouts.EVENT_S) -> None:
        """The base logs a refusal before the satellite has read it: wait for its own line."""
        deadline = time.monotonic() + timeout
        while text not in self.output and time.monotonic() < deadline:
            time.sleep(0.1)

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=timeouts.STACK_STOP_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=timeouts.STACK_STOP_S)
        return self.output


def test_a_satellite_is_heard_in_its_own_room(base: Stack, tmp_path: Path) -> None:
    watcher = EventWatcher(base)
    satellite = _satellite(base, tmp_path, "kitchen")
    try:
        chain = ("/wake/kitchen/detected", "/session/kitchen/started", "/stt/kitchen/transcript")
        recognized = watcher.wait_for(
            "/intent/kitchen/recognized",
            timeout=timeouts.SPOKEN_COMMANDS_S,
            where=lambda e: all(watcher.seen(kind, e["header"]["trace_id"]) for kind in chain),
        )
        assert recognized["intent"] == "HassTurnOn"
        # The broker may first hand over the retained OFFLINE of a satellite an earlier test
        # stopped; this satellite's own status must come after it, ONLINE.
        watcher.wait_for(
            "/status/audio/satellite-kitchen", where=lambda e: e["state"] == "STATE_ONLINE"
        )
    finally:
        watcher.close()
        output = satellite.stop()
    assert "capture granted for site kitchen" in output, output[-2000:]


def test_a_satellite_cannot_listen_in_another_room(base: Stack, tmp_path: Path) -> None:
    watcher = EventWatcher(base)
    satellite = _satellite(base, tmp_path, "office")
    try:
        base.wait_for_log(r"refused policy\.HoldCapture: satellite-kitchen may not call")
        satellite.wait_for_output("policy refused this identity")
    finally:
        output = satellite.stop()
        watcher.close()
    assert "policy refused this identity" in output, output[-2000:]
    assert "capture granted" not in output
    heard = ("/wake/office/", "/session/office/", "/stt/office/", "/intent/office/")
    assert not any(topic.startswith(heard, len("hearth/v1")) for topic, _ in watcher.events)
