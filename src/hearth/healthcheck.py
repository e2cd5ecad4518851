"""`python -m hearth.healthcheck SERVICE`: is the service on this machine serving? Exit code 0
if so, 1 if not: what a container's HEALTHCHECK runs.

A service with a gRPC server is asked over gRPC's standard health protocol on its own port, over
the same kind of channel the other services use: mutual TLS, as the service's own identity (so the
check passes only if a real caller could get through, certificates included). The audio service
has no gRPC server; its /metrics endpoint answering means its loop is up. Settings are read as
the service reads them (file and HEARTH__ variables).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from grpc import RpcError
from grpc_health.v1 import health_pb2, health_pb2_grpc

from hearth import identity, rpc, topology
from hearth.settings import (
    COMMON_KEYS,
    CONFIG_ENV,
    CommonSettings,
    SettingsError,
    apply_env_overrides,
    read_config_file,
    validate_section,
)

TIMEOUT_S = 3.0


def section_value(data: Mapping[str, Any], service: str, key: str) -> Any:
    """One field of a service's section, unvalidated (the base cannot import the service's
    settings model; the service itself validates the section when it starts)."""
    section = data.get(service)
    return section.get(key) if isinstance(section, dict) else None


def grpc_address(
    common: CommonSettings, data: Mapping[str, Any], spec: topology.ServiceSpec
) -> str:
    """Where the service's gRPC server listens, as seen from inside its own container."""
    listen = section_value(data, spec.name, "grpc_listen")
    port = (
        rpc.listen_port(listen) if listen else rpc.listen_port(getattr(common.endpoints, spec.name))
    )
    return f"127.0.0.1:{port}"


def metrics_url(data: Mapping[str, Any], spec: topology.ServiceSpec) -> str:
    port = section_value(data, spec.name, "metrics_port") or spec.metrics_port
    return f"http://127.0.0.1:{port}/metrics"


async def grpc_serving(address: str, common: CommonSettings, caller: identity.Identity) -> bool:
    async with rpc.open_channel(address, common.grpc_max_message_bytes, caller) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = await stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=TIMEOUT_S)
        except RpcError as exc:
            print(f"{address}: {exc.code().name}", file=sys.stderr)
            return False
    serving = reply.status == health_pb2.HealthCheckResponse.SERVING
    if not serving:
        print(f"{address}: {health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)}")
    return serving


def metrics_answer(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError) as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return False


def check(service: str, config: Path | None, environ: Mapping[str, str]) -> bool:
    spec = topology.service(service)
    if config is None and environ.get(CONFIG_ENV):
        config = Path(environ[CONFIG_ENV])
    data = apply_env_overrides(read_config_file(config), environ)
    common = validate_section(
        CommonSettings, {k: v for k, v in data.items() if k in COMMON_KEYS}, ""
    )
    if spec.serves_grpc:
        caller = identity.resolve(common, spec.name)
        caller.check()
        return asyncio.run(grpc_serving(grpc_address(common, data, spec), common, caller))
    return metrics_answer(metrics_url(data, spec))


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hearth.healthcheck", description="Is this Hearth service serving?"
    )
    parser.add_argument("service", choices=[spec.name for spec in topology.STACK])
    parser.add_argument("--config", type=Path, help="YAML settings file")
    args = parser.parse_args(argv)
    try:
        healthy = check(args.service, args.config, os.environ if environ is None else environ)
    except (SettingsError, KeyError, identity.IdentityError) as exc:
        print(f"healthcheck: {exc}", file=sys.stderr)
        return 2
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
