"""The small base that owns a service's life: metrics endpoint, gRPC server with health, bus with a
retained status and last will, signal handling and clean shutdown.

A service subclasses Service and implements only its handlers: ``setup`` (load models),
``servicers`` (gRPC), ``subscriptions`` (MQTT) and ``offers`` (what it announces).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import socket
import sys
from abc import ABC
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar, TypeVar

from pydantic import Field

from hearth import __version__, events, identity, logs, metrics, private_files, rpc, topics
from hearth.broker_auth import satellite_site
from hearth.bus import Bus, LastWill
from hearth.bus import Subscription as Sub
from hearth.settings import CommonSettings, Frozen, SettingsError, load_settings
from hearth.v1 import events_pb2

log = logging.getLogger(__name__)


class ServiceSection(Frozen):
    """Fields every service section has; each service subclasses it with its own defaults."""

    metrics_host: str = "127.0.0.1"
    """Address the /metrics endpoint binds to (0.0.0.0 in a container)."""
    metrics_port: int = Field(0, ge=0, le=65535)
    """Port of the /metrics endpoint; 0 picks a free one."""
    grpc_listen: str | None = None
    """host:port the gRPC server binds to; default: the port of this service's endpoint, on
    127.0.0.1."""
    instance: str = Field(default_factory=socket.gethostname)
    """Distinguishes two processes of the same service in status topics and logs."""


class Service(ABC):
    """Owns the loop of one Hearth service; subclasses fill in the handlers."""

    name: ClassVar[str]
    grpc_service_names: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, common: CommonSettings, section: ServiceSection, bus_session_expiry_s: int = 0
    ) -> None:
        """bus_session_expiry_s > 0: the broker keeps this service's session (and the QoS 1
        messages it subscribes to) while it is away, for that long; its client id is then the
        stable hearth-<service>-<instance>, so two processes must not share an instance name."""
        self.common = common
        self.section = section
        self.identity = identity.resolve(common, self.name)
        """Who this service is to the broker and to the services it calls."""
        client_id = f"hearth-{self.name}-{section.instance}"
        self.bus = Bus(
            common.mqtt,
            self.name,
            self.identity,
            client_id=client_id if bus_session_expiry_s else f"{client_id}-{id(self) % 10_000}",
            session_expiry_s=bus_session_expiry_s,
        )
        self.grpc: rpc.GrpcServer | None = None
        self.metrics_port = 0
        self.ready = asyncio.Event()
        self._stop = asyncio.Event()

    # Handlers a service implements.

    async def setup(self) -> None:
        """Load models and open stores; runs before anything is served. Blocking work goes to a
        thread."""

    def servicers(self) -> Sequence[rpc.AddServicer]:
        """gRPC servicers to register; none means no gRPC server."""
        return ()

    def subscriptions(self) -> Sequence[Sub]:
        """MQTT topics this service consumes."""
        return ()

    def offers(self) -> events_pb2.Offers:
        """What the service announces in its retained status (engines, languages, wake words)."""
        return events_pb2.Offers()

    async def on_bus_connected(self) -> None:
        """Republish retained state after every (re)connect; the status is already handled."""

    async def teardown(self) -> None:
        """Release what setup took."""

    # The loop.

    def request_stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        metrics.SERVICE_INFO.info(
            {"service": self.name, "version": __version__, "instance": self.instance}
        )
        self.metrics_port = metrics.serve_metrics(
            self.section.metrics_host, self.section.metrics_port
        )
        await self.setup()
        self.identity.check()  # after setup, so a missing model is reported first
        servicers = self.servicers()
        if servicers:
            self.grpc = await rpc.start_server(
                self._grpc_listen(),
                servicers,
                self.grpc_service_names,
                self.common.grpc_max_message_bytes,
                self.identity,
            )
        for sub in self.subscriptions():
            self.bus.add(sub)
        self.bus.set_last_will(
            LastWill(self._status_topic(), self._status(events_pb2.ServiceStatus.STATE_OFFLINE))
        )
        self.bus.on_connected(self._announce)
        await self.bus.connect()
        log.info(
            "%s %s started: grpc %s, metrics http://%s:%d/metrics, broker %s:%d",
            self.name,
            __version__,
            f"port {self.grpc.port}" if self.grpc else "none",
            self.section.metrics_host,
            self.metrics_port,
            self.common.mqtt.host,
            self.common.mqtt.port,
        )
        self.ready.set()
        try:
            await self._stop.wait()
        finally:
            await self._shutdown()

    async def _shutdown(self) -> None:
        log.info("%s stopping", self.name)
        if self.grpc is not None:
            await self.grpc.stop()
        await self.teardown()
        await self.bus.disconnect(
            LastWill(self._status_topic(), self._status(events_pb2.ServiceStatus.STATE_OFFLINE))
        )

    async def _announce(self) -> None:
        await self.publish_status()
        await self.on_bus_connected()

    async def publish_status(self) -> None:
        """Publish the retained status again, e.g. after what the service offers changed."""
        self.bus.publish(
            self._status_topic(), self._status(events_pb2.ServiceStatus.STATE_ONLINE), retain=True
        )

    @property
    def instance(self) -> str:
        """How this process is told apart in its status: a satellite's identity names it (the
        broker lets a satellite write only that status), else the configured instance."""
        if satellite_site(self.identity.name):
            return self.identity.name
        return self.section.instance

    def _status_topic(self) -> str:
        return topics.status(self.name, self.instance)

    def _status(self, state: int) -> events_pb2.ServiceStatus:
        grpc_address = ""
        if self.grpc is not None:
            host = self._grpc_listen().rsplit(":", 1)[0]
            grpc_address = f"{host}:{self.grpc.port}"
        return events_pb2.ServiceStatus(
            service=self.name,
            instance=self.instance,
            state=state,  # type: ignore[arg-type]
            version=__version__,
            grpc_address=grpc_address,
            metrics_url=f"http://{self.section.metrics_host}:{self.metrics_port}/metrics",
            offers=self.offers(),
            since=events.now_timestamp(),
        )

    def _grpc_listen(self) -> str:
        if self.section.grpc_listen:
            return self.section.grpc_listen
        endpoint = getattr(self.common.endpoints, self.name)
        return f"127.0.0.1:{rpc.listen_port(endpoint)}"

    def reject(self, kind: str, reason: str, detail: str) -> None:
        """One log line and one metric for refused input (never the input itself)."""
        log.warning("rejected %s: %s", kind, detail)
        metrics.MESSAGES_REJECTED.labels(self.name, kind, reason).inc()


SectionT = TypeVar("SectionT", bound=ServiceSection)


def service_main(
    name: str,
    section_model: type[SectionT],
    build: Callable[[CommonSettings, SectionT], Service],
    argv: Sequence[str] | None = None,
) -> int:
    """Entry point shared by every service: parse settings once, configure logging, run until a
    signal."""
    parser = argparse.ArgumentParser(prog=f"hearth-{name}", description=f"Hearth {name} service")
    parser.add_argument(
        "--config",
        type=Path,
        help="YAML settings file (default: $HEARTH_CONFIG, else built-in defaults)",
    )
    args = parser.parse_args(argv)
    try:
        common, section = load_settings(name, section_model, args.config)
    except SettingsError as exc:
        print(f"hearth-{name}: {exc}", file=sys.stderr)
        return 2
    logs.configure(name, common.log_level)
    private_files.create_privately()
    private_files.make_private(common.data_path)
    try:
        service = build(common, section)
    except (SettingsError, ValueError, identity.IdentityError) as exc:
        log.error("cannot start: %s", exc)
        return 2
    return asyncio.run(_run_until_signalled(service))


async def _run_until_signalled(service: Service) -> int:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, service.request_stop)
    try:
        await service.run()
    except (StartupError, identity.IdentityError) as exc:
        log.error("cannot start: %s", exc)
        return 1
    except OSError as exc:
        log.error("cannot start: %s", exc)
        return 1
    return 0


class StartupError(Exception):
    """Something the owner must fix before the service can run (a missing model, a corrupt
    store)."""
