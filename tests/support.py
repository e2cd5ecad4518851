"""Helpers shared by the tests: free ports, synthesized speech, a running `hearth up`, metrics."""

from __future__ import annotations

import atexit
import contextlib
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests import timeouts
from tests.speech import espeak_wav

REPO = Path(__file__).resolve().parent.parent
VOCABULARY_STORE = Path(tempfile.mkdtemp(prefix="hearth-test-vocabularies-"))
"""One store of built vocabularies for every stack and matcher of this test run (the intent
service's `vocabulary_store`): the first build of a configuration takes ~16 s, the others read it.
Made afresh per run, so each run exercises the build too."""
atexit.register(shutil.rmtree, VOCABULARY_STORE, True)


_PORTS_GIVEN: set[int] = set()


def _port_range() -> tuple[int, int]:
    """Below Linux's ephemeral range (32768–60999), where outgoing connections and port-0 listeners
    take their ports: a port chosen here cannot be taken by one of those before its service binds
    it. Each pytest-xdist worker draws from its own slice, so two workers never pick the same port
    in the moment between choosing it and binding it."""
    low, high = 20_000, 32_000
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    size = (high - low) // max(count, 1)
    start = low + int(worker) * size
    return start, start + size - 1


_PORT_RANGE = _port_range()


def free_port() -> int:
    while True:
        port = random.randint(*_PORT_RANGE)
        if port in _PORTS_GIVEN:
            continue
        with contextlib.closing(socket.socket()) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _PORTS_GIVEN.add(port)
        return port


def speak(text: str, path: Path, voice: str = "en-us", speed: int = 150, pitch: int = 50) -> Path:
    """Real synthesized speech (espeak-ng writes 22.05 kHz mono WAV; Hearth converts it)."""
    return espeak_wav(text, path, voice, speed, pitch)


def speak_16k(text: str, path: Path) -> Path:
    """Speech as a microphone command streams it: 16 kHz mono 16-bit (what `arecord -t raw`
    gives), for the test microphones in tests/tools."""
    spoken = speak(text, path.with_name(path.stem + "-22k.wav"))
    subprocess.run(
        ["sox", "-R", str(spoken), "-r", "16000", "-c", "1", "-b", "16", str(path)],
        check=True,
        timeout=timeouts.SYNTH_S,
    )
    return path


def stack_config(tmp: Path, **sections: dict[str, Any]) -> dict[str, Any]:
    """A config that puts every port and all state under the test's control."""
    config: dict[str, Any] = {
        "data_dir": str(tmp / "data"),
        "log_level": "info",
        "mqtt": {"port": free_port()},
        "endpoints": {
            name: f"127.0.0.1:{free_port()}" for name in ("wake", "stt", "policy", "intent", "tts")
        },
        "policy": {"metrics_port": 0},
        "wake": {"metrics_port": 0},
        "stt": {"metrics_port": 0},
        "intent": {"metrics_port": 0, "vocabulary_store": str(VOCABULARY_STORE)},
        "audio": {"metrics_port": 0, "output": "file"},
        "tts": {"metrics_port": 0},
    }
    for name, values in sections.items():
        config.setdefault(name, {}).update(values)
    return config


@dataclass
class Stack:
    """A `hearth up` process started exactly as a user starts it."""

    config_path: Path
    config: dict[str, Any]
    process: subprocess.Popen[str]
    env: dict[str, str] = field(default_factory=dict)
    """What this stack's processes get besides child_env() (e.g. PYTHONPATH with plugins)."""
    lines: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def mqtt_port(self) -> int:
        return int(self.config["mqtt"]["port"])

    def endpoint(self, service: str) -> str:
        return str(self.config["endpoints"][service])

    @property
    def secrets(self) -> Path:
        """The secrets `hearth up` made on its first run (the data dir's `secrets`)."""
        return Path(self.config["data_dir"]) / "secrets"

    def mqtt_client(self, identity: str = "hearth", client_id: str = "") -> Any:
        """A paho client (not yet connected) that logs in to the stack's broker as `identity`."""
        return mqtt_client_as(self.secrets, identity, client_id)

    def channel(self, service: str, identity: str = "hearth") -> Any:
        """A blocking gRPC channel to `service`, presenting `identity`'s certificate."""
        return grpc_channel_as(self.secrets, self.endpoint(service), identity)

    def hearth_command(self) -> list[str]:
        return [sys.executable, "-m", "hearth", "--config", str(self.config_path)]

    def hearth(
        self, *args: str, timeout: float = timeouts.CLI_S
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.hearth_command(), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**child_env(), **self.env},
        )

    def hearth_async(self, *args: str) -> subprocess.Popen[str]:
        """A `hearth` command left running, for commands that must overlap."""
        return subprocess.Popen(
            [*self.hearth_command(), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**child_env(), **self.env},
        )

    def run_file(self, wav: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return self.hearth("run-file", str(wav), "--json", *args, timeout=timeouts.RUN_FILE_S)

    def log_text(self) -> str:
        return "\n".join(self.log_lines())

    def log_lines(self, after: int = 0) -> list[str]:
        """The stack's log lines since ``after`` (a ``mark()``)."""
        with self._lock:
            return self.lines[after:]

    def wait_for_log(self, pattern: str, timeout: float = timeouts.EVENT_S, after: int = 0) -> str:
        deadline = time.monotonic() + timeout
        regex = re.compile(pattern)
        while time.monotonic() < deadline:
            with self._lock:
                for line in self.lines[after:]:
                    if regex.search(line):
                        return line
            if self.process.poll() is not None:
                time.sleep(0.2)  # let the reader thread take the last lines
                raise AssertionError(
                    f"`hearth up` exited with code {self.process.returncode}; last lines:\n"
                    + "\n".join(self.lines[-30:])
                )
            time.sleep(0.1)
        raise AssertionError(
            f"no log line matching {pattern!r} within {timeout} s; last lines:\n"
            + "\n".join(self.lines[-30:])
        )

    def mark(self) -> int:
        with self._lock:
            return len(self.lines)

    def metrics_url(self, service: str) -> str:
        """Where the service's metrics are now: from the start-up table, or from the latest "is
        back" line after `hearth up` restarted it (with metrics_port 0 a restarted service gets a
        new port)."""
        self.wait_for_log(rf"^\s+{service}\s+\S+\s+(http://\S+/metrics)")
        pattern = re.compile(
            rf"^\s+{service}\s+\S+\s+(http://\S+/metrics)|hearth: {service} is back: .*metrics "
            r"(http://\S+/metrics)"
        )
        with self._lock:
            found = [m for m in map(pattern.search, self.lines) if m]
        return next(url for url in found[-1].groups() if url)

    def metric(self, of_service: str, name: str, **labels: str) -> float:
        """Sum of the samples of one metric (from one service's /metrics) whose labels include
        the given ones."""
        text = (
            urllib.request.urlopen(self.metrics_url(of_service), timeout=timeouts.RPC_S)
            .read()
            .decode()
        )
        total = 0.0
        for line in text.splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            if all(f'{key}="{value}"' in line for key, value in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def service_pid(self, service: str) -> int:
        """The pid of one of this stack's service processes (a child of its `hearth up`)."""
        pids = [
            pid
            for pid in processes_matching(f"[-]m hearth_{service}")
            if _parent(pid) == self.process.pid
        ]
        assert len(pids) == 1, f"{service}: {pids}"
        return pids[0]

    def broker_pid(self) -> int:
        conf = Path(self.config["data_dir"]) / "run" / "mosquitto.conf"
        pids = processes_matching(str(conf))
        assert len(pids) == 1, pids
        return pids[0]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeouts.STACK_STOP_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode


def child_env() -> dict[str, str]:
    """The environment a child process of a test gets: none of the caller's Hearth settings."""
    env = dict(os.environ)
    env.pop("HEARTH_CONFIG", None)
    for key in list(env):
        if key.startswith("HEARTH__"):
            del env[key]
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_stack(
    tmp: Path,
    config: dict[str, Any],
    mic: bool = False,
    env: dict[str, str] | None = None,
    satellites: tuple[str, ...] = (),
) -> Stack:
    """`hearth up` with this config; `env` adds to the environment of it and its commands;
    `satellites` get their identities first (`hearth init --satellite SITE`, as an owner would)."""
    config_path = tmp / "hearth.yaml"
    config_path.write_text(yaml.safe_dump(config))
    if satellites:
        subprocess.run(
            [sys.executable, "-m", "hearth", "--config", str(config_path), "init"]
            + [arg for site in satellites for arg in ("--satellite", site)],
            check=True,
            capture_output=True,
            timeout=timeouts.CLI_S,
            env=child_env(),
        )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hearth",
            "--config",
            str(config_path),
            "up",
            *([] if mic else ["--no-mic"]),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**child_env(), **(env or {})},
        start_new_session=True,
    )
    stack = Stack(config_path, config, process, dict(env or {}))
    threading.Thread(target=_collect, args=(stack,), daemon=True).start()
    try:
        stack.wait_for_log(r"hearth: the assistant is up", timeout=timeouts.STACK_START_S)
    except AssertionError:
        stack.stop()
        raise
    return stack


def _collect(stack: Stack) -> None:
    assert stack.process.stdout is not None
    for line in stack.process.stdout:
        with stack._lock:
            stack.lines.append(line.rstrip("\n"))
    log_file = os.environ.get("HEARTH_TEST_LOG")
    if log_file:
        with open(log_file, "a") as handle:
            handle.write("\n".join(stack.lines) + "\n")


def events_of(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    import json

    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def mqtt_client_as(secrets: Path, identity: str, client_id: str = "") -> Any:
    """A paho MQTT v5 client with `identity`'s broker login over TLS (the home's CA)."""
    import ssl

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
    )
    client.username_pw_set(identity, (secrets / "mqtt" / f"{identity}.password").read_text())
    client.tls_set(ca_certs=str(secrets / "ca.crt"), tls_version=ssl.PROTOCOL_TLS_CLIENT)
    return client


def grpc_channel_as(secrets: Path, address: str, identity: str) -> Any:
    """A blocking gRPC channel presenting `identity`'s certificate."""
    import grpc

    credentials = grpc.ssl_channel_credentials(
        root_certificates=(secrets / "ca.crt").read_bytes(),
        private_key=(secrets / "identities" / f"{identity}.key").read_bytes(),
        certificate_chain=(secrets / "identities" / f"{identity}.crt").read_bytes(),
    )
    return grpc.secure_channel(address, credentials)


def producer_of(topic: str) -> str:
    """The identity the broker lets publish `topic` (the owner for people's requests)."""
    import paho.mqtt.client as mqtt

    from hearth import topics

    for kind in topics.CATALOGUE:
        if mqtt.topic_matches_sub(kind.filter, topic):
            return topics.ADMIN if kind.producer == topics.PEOPLE else kind.producer
    raise AssertionError(f"{topic} is not in the catalogue")


class EventWatcher:
    """Subscribes to every Hearth topic of a stack, as the owner, and keeps (topic, payload dict)
    pairs."""

    def __init__(self, stack: Stack, topic_filter: str = "hearth/v1/#") -> None:
        import json

        self.events: list[tuple[str, dict[str, Any]]] = []
        self.raw: list[tuple[str, bytes]] = []
        self._lock = threading.RLock()  # wait_for's predicate may call seen()
        self._json = json
        self.client = stack.mqtt_client()
        self.client.on_message = self._on_message
        self.client.on_connect = lambda c, *_: c.subscribe(topic_filter, qos=1)
        self.client.connect("127.0.0.1", stack.mqtt_port)
        self.client.loop_start()

    def _on_message(self, _client: Any, _userdata: Any, msg: Any) -> None:
        with self._lock:
            self.raw.append((msg.topic, bytes(msg.payload)))
            try:
                self.events.append((msg.topic, self._json.loads(msg.payload)))
            except ValueError:
                pass

    def wait_for(
        self,
        topic_suffix: str,
        timeout: float = timeouts.EVENT_S,
        after: int = 0,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for topic, payload in self.events[after:]:
                    if topic.endswith(topic_suffix) and (where is None or where(payload)):
                        return payload
            time.sleep(0.05)
        raise AssertionError(
            f"no event on *{topic_suffix} within {timeout} s; saw "
            f"{[t for t, _ in self.events[-20:]]}"
        )

    def mark(self) -> int:
        with self._lock:
            return len(self.events)

    def seen(self, topic_suffix: str, trace_id: str) -> bool:
        """Whether an event of this kind carried this trace id."""
        with self._lock:
            return any(
                t.endswith(topic_suffix) and e.get("header", {}).get("trace_id") == trace_id
                for t, e in self.events
            )

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def processes_matching(pattern: str) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-f", "--", pattern], capture_output=True, text=True, timeout=10
    ).stdout.split()
    return [int(pid) for pid in found]


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as handle:
        return int(handle.read().rsplit(")", 1)[1].split()[1])


def process_memory_mb(pid: int) -> tuple[float, float]:
    """A process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(values["VmRSS"].split()[0]) / 1024, int(values["VmHWM"].split()[0]) / 1024


def percentile(values: list[float], share: float) -> float:
    """The value at ``share`` (0..1) of the sorted values, nearest rank (for the benchmarks)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def process_gone(pid: int) -> bool:
    """Gone, or a zombie (it has exited and released every file and device; only its exit status
    remains)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):  # gone before, or while, /proc was read
        return True


MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


class Broker:
    """A real Mosquitto secured as `hearth up` secures it (TLS, a login per identity, the ACL), with
    persistence so sessions survive a clean restart. Its secrets are `hearth init`'s, in
    `<tmp>/data/secrets`: a service configured with `data_dir: <tmp>/data` finds its identity."""

    def __init__(self, tmp: Path, satellites: tuple[str, ...] = ("kitchen",)) -> None:
        from hearth import broker, identity
        from hearth.settings import CommonSettings, MqttSettings

        self.port = free_port()
        self.secrets = tmp / "data" / "secrets"
        identity.ensure_secrets(self.secrets, satellites)
        common = CommonSettings(
            data_dir=tmp / "broker", secrets_dir=self.secrets, mqtt=MqttSettings(port=self.port)
        )
        self.conf = broker.write_config(common, tmp / "broker")
        self.process: subprocess.Popen[bytes] | None = None

    def identity(self, name: str) -> Any:
        """The `hearth.identity.Identity` of `name`, for a Bus or a channel."""
        from hearth.identity import Identity, SecretsLayout

        return Identity.of(SecretsLayout(self.secrets), name)

    def client(self, identity: str, client_id: str = "") -> Any:
        """A paho client (not yet connected) logged in as `identity`."""
        return mqtt_client_as(self.secrets, identity, client_id)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeouts.EVENT_S
        while not _port_open(self.port):
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError("mosquitto did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeouts.EVENT_S)


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class Room:
    """A simulated room (tests/tools/room.py) around a site: its player command plays into the
    room's air, its microphone command hears that air and a person when cued."""

    TOOL = REPO / "tests" / "tools" / "room.py"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def audio_settings(self) -> dict[str, Any]:
        """The audio section's microphone and player for this room."""
        return {
            "source": "mic",
            "mic_command": [sys.executable, str(self.TOOL), "mic", str(self.directory)],
            "output": "player",
            "player_command": [
                sys.executable,
                str(self.TOOL),
                "player",
                str(self.directory),
                "{rate}",
            ],
        }

    def speak(self, wav_16k: Path) -> None:
        """A person in the room says the WAV now (the microphone picks it up)."""
        partial = self.directory / "cue.partial"
        partial.write_text(str(wav_16k))
        partial.rename(self.directory / "cue")

    def played(self) -> list[Path]:
        return sorted(self.directory.glob("played-*.wav"), key=lambda p: int(p.stem[7:]))


def time_answers_around_now(minutes: int = 2) -> set[str]:
    """What "what time is it" is answered with, from `minutes` ago to a minute from now (the
    intent service's clock is this machine's; a slow run may cross a minute)."""
    from datetime import datetime, timedelta

    from hearth_intent.plugins.time_and_date.answers import spoken_answer

    now = datetime.now().astimezone()
    moments = (now + timedelta(minutes=offset) for offset in range(-minutes, 2))
    return {spoken_answer("HassGetCurrentTime", moment, "en") or "" for moment in moments}


def transcribed(wav: Path, tmp: Path) -> str:
    """What Whisper (open, not snapped to commands) hears in a WAV of any rate: the words a played
    answer let the user hear."""
    from hearth.models import resolve_whisper_model
    from hearth_audio.wav import read_wav
    from hearth_stt.engines.registry import STT_ENGINES
    from tests.stt.speech import quiet, stream

    spec = STT_ENGINES.get("whisper")
    model = resolve_whisper_model("whisper-base", None, tmp / "whisper-data")
    engine = spec.load(spec.parse_options({"language": "en", "model_dir": model}, "test"))
    utterance = engine.open_utterance()
    stream(utterance, quiet(0.3) + read_wav(wav).tobytes() + quiet(1.5))
    return str(utterance.finish().text)
