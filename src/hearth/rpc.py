"""gRPC helpers: servers with the standard health service and size limits, channels with the same
limits, and mutual TLS on both.

Every server asks for a client certificate from the home's CA and every channel presents one, so
each RPC knows who calls it (`caller_identity`) and can be authorised (`hearth.access`). There is
no plaintext port: a process without credentials cannot reach any service.

Every hop between services has a deadline (CommonSettings.rpc_timeout_s for unary calls);
streams are bounded by the session length instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1._async import HealthServicer

from hearth.identity import Identity

log = logging.getLogger(__name__)

AddServicer = Callable[[grpc.aio.Server], None]
"""Registers one servicer on a server, e.g. lambda s:
wake_pb2_grpc.add_WakeServicer_to_server(impl, s)."""


def message_limits(max_message_bytes: int) -> list[tuple[str, Any]]:
    """Oversized messages are refused by the transport with RESOURCE_EXHAUSTED before any handler
    sees them."""
    return [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
    ]


def keepalive_options() -> list[tuple[str, Any]]:
    """Notice a dead peer within seconds even on an idle stream (a stalled policy must end
    capture)."""
    return [
        ("grpc.keepalive_time_ms", 5_000),
        ("grpc.keepalive_timeout_ms", 3_000),
        ("grpc.keepalive_permit_without_calls", 1),
        ("grpc.http2.max_pings_without_data", 0),
    ]


class GrpcServer:
    """A started gRPC server, its bound port and its health service."""

    def __init__(
        self,
        server: grpc.aio.Server,
        port: int,
        health: HealthServicer,
        service_names: Sequence[str],
    ):
        self.server = server
        self.port = port
        self.health = health
        self.service_names = tuple(service_names)

    async def set_serving(self, serving: bool) -> None:
        status = (
            health_pb2.HealthCheckResponse.SERVING
            if serving
            else health_pb2.HealthCheckResponse.NOT_SERVING
        )
        for name in ("", *self.service_names):
            await self.health.set(name, status)

    async def stop(self, grace_s: float = 2.0) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace_s)


def server_credentials(identity: Identity) -> grpc.ServerCredentials:
    """Present this service's certificate and require one from the home's CA of every caller."""
    return grpc.ssl_server_credentials(
        [(identity.key_file.read_bytes(), identity.cert_file.read_bytes())],
        root_certificates=identity.ca_file.read_bytes(),
        require_client_auth=True,
    )


def channel_credentials(identity: Identity) -> grpc.ChannelCredentials:
    """Verify the service against the home's CA and show it who is calling."""
    return grpc.ssl_channel_credentials(
        root_certificates=identity.ca_file.read_bytes(),
        private_key=identity.key_file.read_bytes(),
        certificate_chain=identity.cert_file.read_bytes(),
    )


def caller_identity(context: grpc.aio.ServicerContext) -> str | None:
    """The identity on the caller's verified certificate (its common name); None without one."""
    names = list(context.auth_context().get("x509_common_name") or [])
    return names[0].decode(errors="replace") if names else None


async def start_server(
    listen: str,
    servicers: Sequence[AddServicer],
    service_names: Sequence[str],
    max_message_bytes: int,
    identity: Identity,
) -> GrpcServer:
    """Bind (port 0 picks a free port), register the servicers and health, and start serving."""
    server = grpc.aio.server(
        options=message_limits(max_message_bytes)
        + [
            ("grpc.keepalive_permit_without_calls", 1),
            ("grpc.http2.min_ping_interval_without_data_ms", 4_000),
            # Without this, a second server (a stale copy, another user's process) could bind the
            # same port and silently receive part of the calls meant for the first.
            ("grpc.so_reuseport", 0),
        ]
    )
    for add in servicers:
        add(server)
    health = HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    try:
        # grpcio ≥ 1.5x raises where older versions returned 0
        port = server.add_secure_port(listen, server_credentials(identity))
    except RuntimeError:
        port = 0
    if port == 0:
        raise OSError(f"cannot listen for gRPC on {listen}: the address is in use or not available")
    await server.start()
    wrapped = GrpcServer(server, port, health, service_names)
    await wrapped.set_serving(True)
    return wrapped


def open_channel(address: str, max_message_bytes: int, identity: Identity) -> grpc.aio.Channel:
    """A channel to another Hearth service, as `identity`, with the same size limits and
    keepalives as the servers."""
    return grpc.aio.secure_channel(
        address,
        channel_credentials(identity),
        options=message_limits(max_message_bytes) + keepalive_options(),
    )


def listen_port(listen: str) -> int:
    """The port part of host:port."""
    return int(listen.rsplit(":", 1)[1])
