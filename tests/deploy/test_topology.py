"""One topology, two runners: deploy/compose.yaml runs the services `hearth up` runs
(hearth.topology.STACK), each started by the same module, installed with the same extra, on the
same ports, and configured only through settings that exist. Every stack test, run through
`hearth up`, therefore exercises the wiring compose uses."""

from __future__ import annotations

import importlib
import importlib.util
import tomllib
from typing import Any

import pytest

from hearth import broker_auth, identity, topics
from hearth.service import ServiceSection
from hearth.settings import COMMON_KEYS, ENV_PREFIX, Endpoints, load_settings
from hearth.topology import STACK, ServiceSpec
from tests.deploy.deployment import (
    BASE_ENV,
    COMPOSE,
    INFRASTRUCTURE,
    REPO,
    SATELLITE,
    SATELLITE_ENV,
    SITE,
    dockerfile_stages,
    environment,
    resolved,
    secret_targets,
)

SECTION_MODELS = {
    "policy": "hearth_policy.settings:PolicySettings",
    "intent": "hearth_intent.settings:IntentSettings",
    "stt": "hearth_stt.settings:SttSettings",
    "wake": "hearth_wake.settings:WakeSettings",
    "audio": "hearth_audio.settings:AudioSettings",
    "tts": "hearth_tts.settings:TtsSettings",
}


def section_model(service: str) -> type[ServiceSection]:
    module, _, name = SECTION_MODELS[service].partition(":")
    model = getattr(importlib.import_module(module), name)
    assert issubclass(model, ServiceSection)
    return model


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return resolved(COMPOSE, env=BASE_ENV)


def test_compose_runs_the_services_hearth_up_runs(base: dict[str, Any]) -> None:
    hearth_services = set(base["services"]) - INFRASTRUCTURE
    assert hearth_services == {spec.name for spec in STACK}
    assert set(SECTION_MODELS) == {spec.name for spec in STACK}


@pytest.mark.parametrize("spec", STACK, ids=[spec.name for spec in STACK])
def test_each_service_is_started_and_installed_alike(
    spec: ServiceSpec, base: dict[str, Any]
) -> None:
    service = base["services"][spec.name]
    assert service["command"] == ["python", "-m", spec.module]
    assert importlib.util.find_spec(f"{spec.module}.__main__") is not None
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    project = pyproject["project"]
    assert project["scripts"][spec.console_script] == f"{spec.module}.__main__:run"
    assert spec.extra in project["optional-dependencies"]
    assert service["build"]["target"] == spec.name
    stage = dockerfile_stages()[spec.name]
    assert stage.exec_form("CMD") == service["command"]
    installed = [w for install in stage.pip_installs() for w in install if "[" in w]
    assert [w.split("[", 1)[1].split(",")[0].rstrip("]") for w in installed] == [spec.extra]


@pytest.mark.parametrize("spec", STACK, ids=[spec.name for spec in STACK])
def test_each_service_serves_on_the_ports_of_the_topology(
    spec: ServiceSpec, base: dict[str, Any]
) -> None:
    env = environment(base["services"][spec.name])
    assert section_model(spec.name).model_fields["metrics_port"].default == spec.metrics_port
    listen = env.get(f"HEARTH__{spec.name.upper()}__GRPC_LISTEN")
    if spec.serves_grpc:
        assert listen == f"0.0.0.0:{spec.grpc_port}"
        assert getattr(Endpoints(), spec.name).endswith(f":{spec.grpc_port}")
    else:
        assert listen is None
    for other in STACK:
        if other.serves_grpc:
            assert env[f"HEARTH__ENDPOINTS__{other.name.upper()}"] == (
                f"{other.name}:{other.grpc_port}"
            )
    assert env[f"HEARTH__{spec.name.upper()}__METRICS_HOST"] == "0.0.0.0"


def assert_valid_settings(
    service: str, compose_service: dict[str, Any], identity_name: str
) -> None:
    """Every HEARTH__ variable names a field of the common settings or of the service's own
    section (another section's would be silently ignored), the values validate, and the identity
    they give the service is the one whose files compose mounts for it: its certificate, key and
    broker password, and the CA."""
    env = environment(compose_service)
    for name in env:
        if not name.startswith(ENV_PREFIX):
            continue
        first = name[len(ENV_PREFIX) :].split("__")[0].lower()
        assert first in COMMON_KEYS or first == service, f"{service}: {name} is not its setting"
    model = section_model(service) if service in SECTION_MODELS else ServiceSection
    common, _ = load_settings(service if service in SECTION_MODELS else None, model, environ=env)
    assert common.mqtt.port == 8883, "the broker's TLS port"
    caller = identity.resolve(common, service)
    assert caller.name == identity_name
    mounted = set(secret_targets(compose_service))
    needed = {caller.ca_file, caller.cert_file, caller.key_file, caller.mqtt_password_file}
    assert {str(path) for path in needed} <= mounted, f"{service} lacks {needed}"
    if service in {"policy", "stt"}:
        assert str(common.secret_path) in mounted, f"{service} lacks the session key"


@pytest.mark.parametrize("spec", STACK, ids=[spec.name for spec in STACK])
def test_each_service_environment_is_valid_settings(
    spec: ServiceSpec, base: dict[str, Any]
) -> None:
    assert_valid_settings(spec.name, base["services"][spec.name], spec.name)


def test_the_admin_command_speaks_as_the_admin_identity(base: dict[str, Any]) -> None:
    cli = base["services"]["cli"]
    assert cli["entrypoint"] == ["hearth"]
    assert_valid_settings("hearth", cli, topics.ADMIN)


def test_the_satellite_environment_is_valid_settings() -> None:
    model = resolved(SATELLITE, env=SATELLITE_ENV)
    audio = model["services"]["audio"]
    assert audio["command"] == ["python", "-m", "hearth_audio"]
    assert_valid_settings("audio", audio, broker_auth.satellite_identity(SITE))
    common, section = load_settings("audio", section_model("audio"), environ=environment(audio))
    assert section.site == SITE
    assert section.site in common.sites


def test_the_satellite_wake_environment_is_valid_settings() -> None:
    model = resolved(SATELLITE, env=SATELLITE_ENV, profiles=["wake"])
    wake = model["services"]["wake"]
    assert wake["command"] == ["python", "-m", "hearth_wake"]
    assert wake["build"]["target"] == "wake"
    assert_valid_settings("wake", wake, broker_auth.satellite_identity(SITE))
    assert "wake" in broker_auth.SATELLITE_SERVICES
