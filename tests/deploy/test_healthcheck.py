"""`python -m hearth.healthcheck SERVICE`, what each image's HEALTHCHECK runs: healthy only while
the service really serves, on the port its settings give it, to a caller with the service's own
certificate (mutual TLS, as every gRPC server of Hearth requires)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from prometheus_client import CollectorRegistry, start_http_server

from hearth import healthcheck, identity, rpc
from tests.support import free_port

SECRETS = "HEARTH__SECRETS_DIR"


@pytest.fixture(scope="module")
def secrets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets") / "secrets"
    identity.ensure_secrets(root)
    return root


@pytest.fixture
def grpc_health_server(secrets: Path) -> Iterator[tuple[int, health.HealthServicer]]:
    """A gRPC server with the health service, as policy's certificate presents it."""
    port = free_port()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    policy = identity.Identity.of(identity.SecretsLayout(secrets), "policy")
    server.add_secure_port(f"127.0.0.1:{port}", rpc.server_credentials(policy))
    server.start()
    yield port, servicer
    server.stop(None)


def test_a_serving_grpc_service_is_healthy_and_one_not_serving_is_not(
    grpc_health_server: tuple[int, health.HealthServicer], secrets: Path
) -> None:
    port, servicer = grpc_health_server
    environ = {"HEARTH__POLICY__GRPC_LISTEN": f"0.0.0.0:{port}", SECRETS: str(secrets)}
    servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    assert healthcheck.main(["policy"], environ) == 0
    servicer.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    assert healthcheck.main(["policy"], environ) == 1


def test_the_endpoint_port_is_used_when_no_listen_address_is_set(
    grpc_health_server: tuple[int, health.HealthServicer], secrets: Path
) -> None:
    port, servicer = grpc_health_server
    servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    environ = {"HEARTH__ENDPOINTS__STT": f"stt:{port}", SECRETS: str(secrets)}
    assert healthcheck.main(["stt"], environ) == 0


def test_a_caller_without_a_certificate_of_the_home_is_refused(
    grpc_health_server: tuple[int, health.HealthServicer], tmp_path: Path
) -> None:
    """Another home's certificates do not pass the TLS handshake: a server that answers only
    strangers' checks is not taken for healthy."""
    port, servicer = grpc_health_server
    servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    identity.ensure_secrets(tmp_path / "other-home")
    environ = {
        "HEARTH__POLICY__GRPC_LISTEN": f"0.0.0.0:{port}",
        SECRETS: str(tmp_path / "other-home"),
    }
    assert healthcheck.main(["policy"], environ) == 1


def test_a_service_nobody_answers_for_is_unhealthy(secrets: Path) -> None:
    environ = {"HEARTH__WAKE__GRPC_LISTEN": f"0.0.0.0:{free_port()}", SECRETS: str(secrets)}
    assert healthcheck.main(["wake"], environ) == 1


def test_without_its_identity_the_check_says_to_run_hearth_init(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert healthcheck.main(["wake"], {SECRETS: str(tmp_path / "none")}) == 2
    assert "hearth init" in capsys.readouterr().err


def test_audio_is_healthy_while_its_metrics_answer() -> None:
    port = free_port()
    environ = {"HEARTH__AUDIO__METRICS_PORT": str(port)}
    assert healthcheck.main(["audio"], environ) == 1
    server, thread = start_http_server(port, "127.0.0.1", registry=CollectorRegistry())
    try:
        assert healthcheck.main(["audio"], environ) == 0
    finally:
        server.shutdown()
        thread.join()


def test_bad_settings_are_reported_not_taken_for_health() -> None:
    assert healthcheck.main(["policy"], {"HEARTH__MQTT__PORT": "not a port"}) == 2
