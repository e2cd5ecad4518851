"""`hearth up`: run the whole assistant on this machine — Mosquitto and the six services — print
what happens, and stop everything cleanly on Ctrl-C. Services that die are restarted with
backoff."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf.message import Message

from hearth import broker, identity, logs, private_files, topics
from hearth.bus import Bus, Handler
from hearth.cli.watch import describe
from hearth.service import ServiceSection
from hearth.settings import CommonSettings, SettingsError, load_settings
from hearth.topology import STACK, ServiceSpec
from hearth.v1 import events_pb2

START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 8.0
RESTART_MAX_S = 30.0
FATAL_START_CODES = (1, 2)  # settings or startup errors: restarting cannot fix them


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        help="no microphone: feed a few synthesized spoken commands through the stack",
    )
    parser.add_argument(
        "--no-mic",
        action="store_true",
        help="run without capturing from a microphone (use `hearth run-file`)",
    )
    parser.add_argument("--quiet", action="store_true", help="print events only, not service logs")
    parser.add_argument(
        "--show-words",
        action="store_true",
        help="print what was said (transcripts, answers); hidden by default",
    )


@dataclass
class Supervised:
    spec: ServiceSpec
    process: asyncio.subprocess.Process | None = None
    online: bool = False
    grpc: str = ""
    metrics: str = ""
    offers: events_pb2.Offers = field(default_factory=events_pb2.Offers)
    tail: list[str] = field(default_factory=list)


class Launcher:
    def __init__(
        self, common: CommonSettings, config: Path | None, args: argparse.Namespace
    ) -> None:
        self.common = common
        self.config = config
        self.args = args
        self.services = {spec.name: Supervised(spec) for spec in STACK}
        self.stopping = False
        self.up = asyncio.Event()
        self.failed: str | None = None
        self.broker: asyncio.subprocess.Process | None = None
        self.run_dir = common.data_path / "run"

    def service_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        if self.config is not None:
            env["HEARTH_CONFIG"] = str(self.config.resolve())
        if self.args.no_mic or self.args.demo:
            env["HEARTH__AUDIO__SOURCE"] = "none"
        return env

    async def start_broker(self) -> None:
        """Start Mosquitto and wait for its port; then keep it running (a broker restart must not
        end the stack)."""
        await self._spawn_broker()
        asyncio.create_task(self._keep_broker())
        print(f"hearth: broker listening on 127.0.0.1:{self.common.mqtt.port}", flush=True)

    async def _spawn_broker(self) -> None:
        broker.check_local(self.common)
        conf = broker.write_config(self.common, self.run_dir)
        self.broker = await asyncio.create_subprocess_exec(
            broker.find_mosquitto(),
            "-c",
            str(conf),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches only `hearth up`, which stops the broker last
        )
        asyncio.create_task(self._pipe_output("broker", self.broker, None))
        deadline = time.monotonic() + 10
        while not _port_open(self.common.mqtt.port):
            if self.broker.returncode is not None or time.monotonic() > deadline:
                raise broker.BrokerError(
                    f"mosquitto did not start on port {self.common.mqtt.port} (is the port in use?)"
                )
            await asyncio.sleep(0.1)

    async def _keep_broker(self) -> None:
        while not self.stopping:
            assert self.broker is not None
            code = await self.broker.wait()
            if self.stopping:
                return
            print(f"hearth: broker exited with code {code}; restarting it", flush=True)
            await asyncio.sleep(0.5)
            try:
                await self._spawn_broker()
            except broker.BrokerError as exc:
                print(f"hearth: {exc}; retrying", flush=True)
                await asyncio.sleep(2)
            else:
                print(
                    f"hearth: broker listening again on 127.0.0.1:{self.common.mqtt.port}",
                    flush=True,
                )

    async def supervise(self, item: Supervised, env: Mapping[str, str]) -> None:
        """Run one service; restart it with backoff if it dies after the stack came up."""
        backoff = 1.0
        while not self.stopping:
            item.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                item.spec.module,
                env=dict(env),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                # Stopped by `hearth up` in order, not all at once by the terminal's Ctrl-C.
                start_new_session=True,
            )
            await self._pipe_output(item.spec.name, item.process, item)
            code = await item.process.wait()
            item.online = False
            if self.stopping:
                return
            if not self.up.is_set() and code in FATAL_START_CODES:
                self.failed = (
                    f"{item.spec.name} could not start (exit code {code}):\n    "
                    + "\n    ".join(item.tail[-6:])
                )
                self.up.set()
                return
            print(
                f"hearth: {item.spec.name} exited with code {code}; restarting in {backoff:.0f} s",
                flush=True,
            )
            await asyncio.sleep(backoff)
            backoff = min(RESTART_MAX_S, backoff * 2)

    async def run_demo(self, env: Mapping[str, str]) -> None:
        """`hearth demo` in its own process (it belongs to the audio service, which the base does
        not import); its lines are shown as they come."""
        config = ["--config", str(self.config.resolve())] if self.config is not None else []
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "hearth",
            *config,
            "demo",
            env=dict(env),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        await self._pipe_output("demo", process, None, always=True)
        await process.wait()

    async def _pipe_output(
        self,
        name: str,
        process: asyncio.subprocess.Process,
        item: Supervised | None,
        always: bool = False,
    ) -> None:
        """Show a child's lines (unless --quiet; the demo's always); keep a service's last ones."""
        assert process.stdout is not None
        async for raw in process.stdout:
            line = raw.decode(errors="replace").rstrip()
            if item is not None:
                item.tail = (item.tail + [line])[-20:]
            if always or not self.args.quiet:
                print(line if name != "broker" else f"broker: {line}", flush=True)

    async def on_status(self, topic: str, status: events_pb2.ServiceStatus) -> None:
        item = self.services.get(status.service)
        if item is None:
            return
        was_online = item.online
        item.online = status.state == events_pb2.ServiceStatus.STATE_ONLINE
        if self.up.is_set() and item.online and not was_online:
            print(
                f"hearth: {item.spec.name} is back: grpc {status.grpc_address or '-'}, metrics "
                f"{status.metrics_url}",
                flush=True,
            )
        item.grpc, item.metrics, item.offers = (
            status.grpc_address,
            status.metrics_url,
            status.offers,
        )
        if self.ready() and not self.up.is_set():
            self.up.set()

    def ready(self) -> bool:
        """Every service online, and in grammar mode stt is using the vocabulary intent
        publishes."""
        if not all(s.online for s in self.services.values()):
            return False
        stt, intent = self.services["stt"].offers.stt, self.services["intent"].offers.intent
        return stt.mode != "grammar" or stt.vocabulary == intent.vocabulary

    async def on_event(self, kind: str, message: Message) -> None:
        print(f"event  {describe(kind, message, self.args.show_words)}", flush=True)

    def summary(self) -> str:
        lines = ["hearth: the assistant is up", f"  {'service':<8} {'grpc':<22} metrics"]
        for item in self.services.values():
            lines.append(f"  {item.spec.name:<8} {item.grpc or '-':<22} {item.metrics}")
        lines.append(
            "  metrics: Prometheus and Grafana set-up in deploy/, see docs/observability.md"
        )
        secrets = self.common.secrets_path
        lines.append(
            f"  watch events: mosquitto_sub -p {self.common.mqtt.port} --cafile {secrets}/ca.crt "
            f"-u hearth -P \"$(cat {secrets}/mqtt/hearth.password)\" -t 'hearth/#' -v"
        )
        lines.append("  Ctrl-C stops everything.")
        return "\n".join(lines)

    async def stop(self) -> None:
        self.stopping = True
        processes = [
            s.process for s in self.services.values() if s.process and s.process.returncode is None
        ]
        for process in processes:
            process.send_signal(signal.SIGTERM)
        await _reap(processes, STOP_TIMEOUT_S)
        if self.broker is not None and self.broker.returncode is None:
            self.broker.terminate()
            await _reap([self.broker], STOP_TIMEOUT_S)


async def _reap(processes: list[asyncio.subprocess.Process], timeout_s: float) -> None:
    if not processes:
        return
    _, pending = await asyncio.wait(
        [asyncio.create_task(p.wait()) for p in processes], timeout=timeout_s
    )
    if pending:
        for process in processes:
            if process.returncode is None:
                process.kill()
        await asyncio.wait([asyncio.create_task(p.wait()) for p in processes], timeout=2)


def _port_open(port: int) -> bool:
    with contextlib.closing(socket.socket()) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def run(args: argparse.Namespace) -> int:
    try:
        common, _ = load_settings(None, ServiceSection, args.config)
    except SettingsError as exc:
        print(f"hearth up: {exc}", file=sys.stderr)
        return 2
    private_files.private_dir(common.data_path)  # what the services keep is the household's own
    logs.configure("up", "warning")
    written = identity.ensure_secrets(common.secrets_path).written
    if written:
        print(
            f"hearth: wrote this home's keys, certificates and broker passwords to "
            f"{common.secrets_path} (first run)",
            flush=True,
        )
    try:
        return asyncio.run(_up(common, args))
    except broker.BrokerError as exc:
        print(f"hearth up: {exc}", file=sys.stderr)
        return 2


async def _up(common: CommonSettings, args: argparse.Namespace) -> int:
    launcher = Launcher(common, args.config, args)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await launcher.start_broker()
    bus = Bus(common.mqtt, "up", identity.resolve(common, topics.ADMIN))
    bus.subscribe(
        topics.SERVICE_STATUS.filter, events_pb2.ServiceStatus, launcher.on_status, "status"
    )
    for kind in topics.SHOWN:
        for site in common.sites:
            bus.subscribe(
                kind.topic(site), kind.message_type, _bind(launcher.on_event, kind.name), kind.name
            )
    await bus.connect()
    env = launcher.service_env()
    tasks = [
        asyncio.create_task(launcher.supervise(item, env)) for item in launcher.services.values()
    ]
    try:
        started = await _first(launcher.up.wait(), stop.wait(), START_TIMEOUT_S)
        if launcher.failed:
            print(f"hearth up: {launcher.failed}", file=sys.stderr)
            return 1
        if not started:
            if not stop.is_set():
                missing = [name for name, s in launcher.services.items() if not s.online]
                print(
                    f"hearth up: services not online after {START_TIMEOUT_S:.0f} s: "
                    f"{', '.join(missing)}",
                    file=sys.stderr,
                )
                return 1
            return 0
        print(launcher.summary(), flush=True)
        if args.demo:
            tasks.append(asyncio.create_task(launcher.run_demo(env)))
        await stop.wait()
        print("hearth: stopping", flush=True)
        return 0
    finally:
        await bus.disconnect()
        await launcher.stop()
        for task in tasks:
            task.cancel()


def _bind(handler: Callable[[str, Message], Awaitable[None]], kind: str) -> Handler:
    async def call(_topic: str, message: Message) -> None:
        await handler(kind, message)

    return call


async def _first(up: Awaitable[object], stop: Awaitable[object], timeout_s: float) -> bool:
    """True when the stack came up; False on stop or timeout."""
    up_task = asyncio.ensure_future(up)
    stop_task = asyncio.ensure_future(stop)
    done, pending = await asyncio.wait(
        {up_task, stop_task}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED
    )
    for task in pending:
        task.cancel()
    return up_task in done
