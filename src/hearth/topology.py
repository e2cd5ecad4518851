"""The stack `hearth up` runs: the broker and six services, each its own process.

This is the single local description of the topology. deploy/compose.yaml describes the same
services for Docker; tests/deploy/test_topology.py checks that both say the same thing (the same
services, each started by the same module, installed with the same extra, serving gRPC and
metrics on the same ports), so every stack test run by `hearth up` also exercises the compose
wiring.
"""

from __future__ import annotations

from dataclasses import dataclass

from hearth.rpc import listen_port
from hearth.settings import Endpoints


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    """Service name, as in topics, settings sections and metrics."""
    module: str
    """Started as `python -m <module>` (the console script `hearth-<name>` is the same)."""
    extra: str
    """The pip extra that installs what this service needs."""
    metrics_port: int
    """Default port of its /metrics endpoint (the default of its section's metrics_port)."""
    serves_grpc: bool
    """Whether it runs a gRPC server (at the port of its entry in `endpoints`)."""

    @property
    def grpc_port(self) -> int | None:
        """The port its gRPC server listens on by default; None without a server."""
        if not self.serves_grpc:
            return None
        return listen_port(getattr(Endpoints(), self.name))

    @property
    def console_script(self) -> str:
        return f"hearth-{self.name}"


STACK: tuple[ServiceSpec, ...] = (
    ServiceSpec("policy", "hearth_policy", "policy", 9105, serves_grpc=True),
    ServiceSpec("intent", "hearth_intent", "intent", 9104, serves_grpc=True),
    ServiceSpec("stt", "hearth_stt", "stt", 9103, serves_grpc=True),
    ServiceSpec("wake", "hearth_wake", "wake", 9102, serves_grpc=True),
    ServiceSpec("tts", "hearth_tts", "tts", 9106, serves_grpc=True),
    ServiceSpec("audio", "hearth_audio", "audio", 9101, serves_grpc=False),
)


def service(name: str) -> ServiceSpec:
    """The spec of one service; KeyError names the known ones."""
    for spec in STACK:
        if spec.name == name:
            return spec
    raise KeyError(f"unknown service {name!r}; known: {', '.join(s.name for s in STACK)}")
