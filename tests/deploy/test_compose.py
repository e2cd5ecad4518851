"""The compose files: valid for Compose, each service given only its own secrets, nothing
published but the broker's TLS port (and Grafana on loopback), the broker TLS-only with no
anonymous client, and every file they mount or name present."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from hearth import identity
from hearth.topology import STACK
from tests import timeouts
from tests.deploy.deployment import (
    BASE_ADDRESS,
    BASE_ENV,
    COMPOSE,
    DEPLOY,
    SATELLITE,
    SATELLITE_ENV,
    SATELLITES_OVERRIDE,
    SECRETS_IN_CONTAINER,
    SITE,
    compose_config,
    environment,
    mounts,
    published_ports,
    resolved,
    secret_targets,
    tool,
)

IDENTITY_FILE = re.compile(
    r"^/run/secrets/hearth/(identities/(.+)\.(crt|key)|mqtt/(.+)\.password)$"
)
SHARED_SECRETS = {"session.key": {"policy", "stt"}, "audit.key": {"policy"}}
"""Secrets beyond a service's own identity, and who may have them."""


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return resolved(COMPOSE, env=BASE_ENV)


@pytest.fixture(scope="module")
def satellite() -> dict[str, Any]:
    return resolved(SATELLITE, env=SATELLITE_ENV)


@pytest.mark.parametrize(
    ("files", "env"),
    [
        ((COMPOSE,), BASE_ENV),
        ((COMPOSE, SATELLITES_OVERRIDE), BASE_ENV),
        ((SATELLITE,), SATELLITE_ENV),
    ],
    ids=["base", "base-with-satellites", "satellite"],
)
def test_compose_validates_the_file(files: tuple[Path, ...], env: dict[str, str]) -> None:
    result = compose_config(*files, env=env, quiet=True)
    assert result.returncode == 0, result.stderr


def test_without_the_owner_of_the_secrets_compose_says_to_run_hearth_init() -> None:
    result = compose_config(COMPOSE, env={}, quiet=True)
    assert result.returncode != 0
    assert "hearth init" in result.stderr, result.stderr


def test_hearth_init_writes_every_file_compose_mounts_and_the_env_it_reads(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets"
    identity.ensure_secrets(secrets, [SITE])
    env_file = secrets / "compose.env"
    model = resolved(COMPOSE, env={}, env_file=env_file, profiles=["tools"])
    for name, secret in model["secrets"].items():
        assert Path(secret["file"]).is_file(), f"hearth init does not write {name}"
    for user in ("HEARTH_UID", "HEARTH_GID"):
        assert f"{user}=" in env_file.read_text()
    satellite = resolved(
        SATELLITE,
        env={"HEARTH_SITE": SITE, "HEARTH_BASE_ADDRESS": BASE_ADDRESS},
        env_file=env_file,
        profiles=["wake"],
    )
    for name, secret in satellite["secrets"].items():
        assert Path(secret["file"]).is_file(), f"hearth init --satellite does not write {name}"


def test_only_the_broker_tls_port_and_grafana_on_loopback_are_published(
    base: dict[str, Any],
) -> None:
    published = {
        name: published_ports(service)
        for name, service in base["services"].items()
        if service.get("ports")
    }
    assert set(published) == {"broker", "grafana"}, published
    assert [port.container_port for port in published["broker"]] == ["8883"]
    assert [port.host_ip for port in published["grafana"]] == ["127.0.0.1"]


@pytest.mark.parametrize(
    ("service", "identity"), [*((spec.name, spec.name) for spec in STACK), ("cli", "hearth")]
)
def test_each_service_gets_only_its_own_identity_and_the_ca(
    service: str, identity: str, base: dict[str, Any]
) -> None:
    targets = secret_targets(base["services"][service])
    assert f"{SECRETS_IN_CONTAINER}/ca.crt" in targets
    owners = set()
    for target in targets:
        match = IDENTITY_FILE.match(target)
        if match:
            owners.add(match.group(2) or match.group(4))
    assert owners == {identity}, f"{service} gets the secrets of {owners}"
    for shared, allowed in SHARED_SECRETS.items():
        if f"{SECRETS_IN_CONTAINER}/{shared}" in targets:
            assert service in allowed, f"{service} must not get {shared}"
    assert not any("ca.key" in target for target in targets)


def test_secrets_come_from_the_layout_hearth_init_writes(base: dict[str, Any]) -> None:
    """Each secret's file, relative to the secrets directory, is the path it has in the
    container relative to /run/secrets/hearth: one layout on the host and in every container."""
    files = {name: Path(spec["file"]) for name, spec in base["secrets"].items()}
    secrets_dir = DEPLOY / "secrets"
    for name, service in base["services"].items():
        for target, source in secret_targets(service).items():
            relative = files[source].relative_to(secrets_dir)
            if target.startswith(SECRETS_IN_CONTAINER + "/"):
                assert target == f"{SECRETS_IN_CONTAINER}/{relative}", (name, target, relative)
            else:
                assert target == f"/run/secrets/{relative}", (name, target, relative)
    for name, service in base["services"].items():
        if name in {spec.name for spec in STACK}:
            assert environment(service)["HEARTH__SECRETS_DIR"] == SECRETS_IN_CONTAINER


def test_the_broker_refuses_anonymous_and_plaintext_and_mounts_what_its_config_names(
    base: dict[str, Any],
) -> None:
    conf = (DEPLOY / "mosquitto" / "mosquitto.conf").read_text()
    lines = [line.split() for line in conf.splitlines() if line and not line.startswith("#")]
    options = {words[0]: words[1:] for words in lines}
    assert options["allow_anonymous"] == ["false"]
    assert [words for words in lines if words[0] == "listener"] == [["listener", "8883"]]
    assert options["persistence"] == ["true"]
    broker = base["services"]["broker"]
    mounted = set(secret_targets(broker))
    for option in ("password_file", "acl_file", "cafile", "certfile", "keyfile"):
        assert options[option][0] in mounted, f"{option} {options[option][0]} is not mounted"
    volumes = {mount.target for mount in mounts(broker)}
    assert options["persistence_location"][0].rstrip("/") in volumes
    assert "/mosquitto/config/mosquitto.conf" in volumes


def test_files_the_compose_files_mount_exist(base: dict[str, Any]) -> None:
    for name, service in base["services"].items():
        for mount in mounts(service):
            if mount.is_bind:
                assert Path(mount.source).exists(), f"{name} mounts {mount.source}"


def test_long_running_services_restart_and_keep_their_data(base: dict[str, Any]) -> None:
    services = base["services"]
    for name, service in services.items():
        if name in {"models", "plugins", "cli"}:
            assert service.get("restart") == "no"
        else:
            assert service.get("restart") == "unless-stopped", name
    volumes = {
        name: {mount.target: mount.source for mount in mounts(service)}
        for name, service in services.items()
    }
    assert volumes["policy"]["/data"] == "policy-data"
    assert volumes["stt"]["/data/models"] == volumes["models"]["/data/models"] == "models"
    assert volumes["plugins"]["/opt/hearth-plugins"] == "plugins"
    for spec in STACK:
        if spec.name != "audio":
            assert volumes[spec.name].get("/opt/hearth-plugins") == "plugins", spec.name
    assert services["stt"]["depends_on"]["models"]["condition"] == (
        "service_completed_successfully"
    )
    assert "/dev/snd" in [device.split(":")[0] for device in services["audio"]["devices"]]


def test_prometheus_and_grafana_are_provisioned_for_the_compose_network(
    base: dict[str, Any],
) -> None:
    local = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    compose = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.compose.yml").read_text())
    assert compose["rule_files"] == local["rule_files"]
    ports = {spec.name: spec.metrics_port for spec in STACK}
    jobs = {
        job["job_name"]: [t for group in job["static_configs"] for t in group["targets"]]
        for job in compose["scrape_configs"]
    }
    assert jobs == {f"hearth-{name}": [f"{name}:{port}"] for name, port in ports.items()}
    assert set(jobs) == {job["job_name"] for job in local["scrape_configs"]}
    promtool = subprocess.run(
        [
            tool("promtool"),
            "check",
            "config",
            str(DEPLOY / "prometheus" / "prometheus.compose.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
    )
    assert promtool.returncode == 0, promtool.stdout + promtool.stderr

    grafana = base["services"]["grafana"]
    password = environment(grafana)["GF_SECURITY_ADMIN_PASSWORD__FILE"]
    assert secret_targets(grafana)[password] == "grafana_admin_password"
    assert base["secrets"]["grafana_admin_password"]["file"].endswith("/grafana_admin_password")
    local_source = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "hearth.yml").read_text()
    )["datasources"]
    compose_source = yaml.safe_load(
        (DEPLOY / "grafana" / "compose" / "datasources" / "hearth.yml").read_text()
    )["datasources"]
    assert [{**d, "url": None} for d in compose_source] == [
        {**d, "url": None} for d in local_source
    ]
    assert compose_source[0]["url"] == "http://prometheus:9090"
    assert "prometheus" in base["services"]


def satellite_secrets(identity: str) -> set[str]:
    return {
        f"{SECRETS_IN_CONTAINER}/ca.crt",
        f"{SECRETS_IN_CONTAINER}/identities/{identity}.crt",
        f"{SECRETS_IN_CONTAINER}/identities/{identity}.key",
        f"{SECRETS_IN_CONTAINER}/mqtt/{identity}.password",
    }


def test_the_satellite_speaks_as_its_site_to_the_base_over_tls(satellite: dict[str, Any]) -> None:
    audio = satellite["services"]["audio"]
    env = environment(audio)
    identity = f"satellite-{SITE}"
    assert env["HEARTH__IDENTITY"] == identity
    assert env["HEARTH__AUDIO__SITE"] == SITE
    assert env["HEARTH__MQTT__PORT"] == "8883"
    assert set(secret_targets(audio)) == satellite_secrets(identity)
    hosts = dict(entry.split(":", 1) for entry in audio["extra_hosts"])
    assert hosts == {name: BASE_ADDRESS for name in ("broker", "policy", "stt", "wake", "tts")}
    for service in ("wake", "stt", "policy", "tts"):
        host = env[f"HEARTH__ENDPOINTS__{service.upper()}"].split(":")[0]
        assert host in hosts, f"the {service} endpoint is not the base"
    assert "/dev/snd" in [device.split(":")[0] for device in audio["devices"]]


def test_the_satellite_can_detect_its_wake_word_in_the_room() -> None:
    identity = f"satellite-{SITE}"
    model = resolved(
        SATELLITE,
        env={**SATELLITE_ENV, "HEARTH_WAKE_ENDPOINT": f"{identity}:50051"},
        profiles=["wake"],
    )
    wake, audio = model["services"]["wake"], model["services"]["audio"]
    assert wake["profiles"] == ["wake"]
    assert environment(wake)["HEARTH__IDENTITY"] == identity
    assert set(secret_targets(wake)) == satellite_secrets(identity)
    assert wake["networks"]["default"]["aliases"] == [identity]
    assert environment(audio)["HEARTH__ENDPOINTS__WAKE"] == f"{identity}:50051"
    assert environment(wake)["HEARTH__WAKE__GRPC_LISTEN"] == "0.0.0.0:50051"


def test_the_satellite_override_publishes_the_grpc_ports_satellites_call() -> None:
    model = resolved(COMPOSE, SATELLITES_OVERRIDE, env=BASE_ENV)
    published = {
        name: [port.container_port for port in published_ports(service)]
        for name, service in model["services"].items()
    }
    for spec in STACK:
        if spec.name in {"wake", "stt", "policy", "tts"}:
            assert published[spec.name] == [str(spec.grpc_port)]
        else:
            assert not published[spec.name]
