"""A real Prometheus scrapes a real stack while a microphone hears spoken commands: every target
is up, every dashboard query is accepted, the panels show data, every hop is measured, and
nobody's words or session ids end up in a metric.

The stack is `hearth up` with the audio service capturing from tests/tools/looping_mic.py, which
plays three synthesized commands (two that match an intent, one that does not) over and over.
Prometheus is Debian's binary, on a free port with its own data directory, running
deploy/prometheus/prometheus.yml with each job's target pointed at the port `hearth up` printed
for that service.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from hearth.metrics import HOPS
from tests import timeouts
from tests.support import (
    REPO,
    EventWatcher,
    Stack,
    free_port,
    speak_16k,
    stack_config,
    start_stack,
)

PROMETHEUS = shutil.which("prometheus")
pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(
        PROMETHEUS is None,
        reason="prometheus missing: install Debian's prometheus (scripts/setup.sh --dev)",
    ),
]

MIC = REPO / "tests" / "tools" / "looping_mic.py"
DEPLOY = REPO / "deploy"
SERVICES = ("audio", "wake", "stt", "intent", "policy", "tts")
COMMANDS = (
    "hey hestia, what time is it",
    "hey hestia, turn on the kitchen lights",
    "hey hestia, sing me a song about the ocean",
)
GAP_S = 3
RECOGNIZED_WANTED = 2
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__range": "10m", "$__interval": "5s"}

# Panels that show only what went wrong: a healthy run has nothing to show there.
MAY_BE_EMPTY = {
    "Errors": "no errors in a healthy run",
    "Rejected messages": "nothing is refused in a healthy run",
    "Audio chunks dropped": "no chunk is dropped in a healthy run",
    "Detections the verifier dropped, last hour": "the verifier (wake.verify) is off by default",
}


@dataclass
class Observed:
    stack: Stack
    prometheus_url: str
    events: list[tuple[str, dict[str, Any]]]


def _command_wav(tmp: Path) -> Path:
    """The three commands, 16 kHz mono, with a few seconds of silence between them."""
    silence = bytes(GAP_S * 32000)
    audio = b""
    for i, text in enumerate(COMMANDS):
        converted = speak_16k(text, tmp / f"command{i}.wav")
        with wave.open(str(converted), "rb") as wav:
            audio += wav.readframes(wav.getnframes()) + silence
    path = tmp / "commands.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(audio)
    return path


def _prometheus_config(stack: Stack, tmp: Path) -> Path:
    """deploy/prometheus as shipped, with each job scraping the port this stack's service chose."""
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
    config["global"].update(scrape_interval="1s", evaluation_interval="1s")
    for job in config["scrape_configs"]:
        url = urllib.parse.urlsplit(stack.metrics_url(job["job_name"].removeprefix("hearth-")))
        job["static_configs"] = [{"targets": [url.netloc]}]
        job["metrics_path"] = url.path
    shutil.copytree(DEPLOY / "prometheus" / "rules", tmp / "rules")
    path = tmp / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def _start_prometheus(config: Path, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    assert PROMETHEUS is not None
    port = free_port()
    log = (tmp / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            PROMETHEUS,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeouts.PROMETHEUS_START_S
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/-/ready", timeout=timeouts.RPC_S)
            return process, url
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise AssertionError(
        f"prometheus did not become ready:\n{(tmp / 'prometheus.log').read_text()[-3000:]}"
    )


def _api(url: str, path: str, **params: str) -> Any:
    query = urllib.parse.urlencode(params)
    try:
        body = urllib.request.urlopen(f"{url}/api/v1/{path}?{query}", timeout=timeouts.RPC_S).read()
    except urllib.error.HTTPError as exc:  # a rejected query is a 400 with the reason in the body
        body = exc.read()
    return json.loads(body)


def query(observed: Observed, expr: str) -> list[dict[str, Any]]:
    answer = _api(observed.prometheus_url, "query", query=expr)
    assert answer["status"] == "success", f"{expr}: {answer.get('error')}"
    return list(answer["data"]["result"])


def _wait_for_value(url: str, expr: str, at_least: float) -> None:
    deadline = time.monotonic() + timeouts.PROMETHEUS_SCRAPE_S
    while time.monotonic() < deadline:
        result = _api(url, "query", query=expr)["data"]["result"]
        if result and float(result[0]["value"][1]) >= at_least:
            return
        time.sleep(0.5)
    raise AssertionError(f"prometheus never saw {expr} >= {at_least}")


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observed]:
    tmp = tmp_path_factory.mktemp("observability")
    config = stack_config(
        tmp,
        stt={"engine": "pocketsphinx"},
        audio={
            "site": "kitchen",
            "source": "mic",
            "mic_command": [sys.executable, str(MIC), str(_command_wav(tmp)), str(GAP_S)],
        },
    )
    stack = start_stack(tmp, config, mic=True)
    prometheus: subprocess.Popen[bytes] | None = None
    watcher = EventWatcher(stack)
    try:
        prometheus, url = _start_prometheus(_prometheus_config(stack, tmp), tmp)
        for _ in range(RECOGNIZED_WANTED):
            watcher.wait_for(
                "/intent/kitchen/recognized",
                timeout=timeouts.SPOKEN_COMMANDS_S,
                after=watcher.mark(),
            )
        watcher.wait_for("/intent/kitchen/not_recognized", timeout=timeouts.SPOKEN_COMMANDS_S)
        _mute_for_a_while(stack)
        # What the services counted has reached Prometheus, and the 1 s rule evaluations have run on
        # it.
        _wait_for_value(
            url, 'sum(hearth_intent_results_total{outcome="recognized"})', RECOGNIZED_WANTED
        )
        _wait_for_value(url, "count(up == 1)", len(SERVICES))
        time.sleep(timeouts.PROMETHEUS_RULES_S)
        yield Observed(stack, url, list(watcher.events))
    finally:
        watcher.close()
        if prometheus is not None:
            prometheus.terminate()
            prometheus.wait(timeouts.STACK_STOP_S)
        stack.stop()


def _mute_for_a_while(stack: Stack) -> None:
    """Mute the kitchen long enough for several scrapes, so the privacy board has a mute to show."""
    assert stack.hearth("mute", "kitchen").returncode == 0
    try:
        time.sleep(timeouts.MUTED_FOR_S)
    finally:
        assert stack.hearth("unmute", "kitchen").returncode == 0
    time.sleep(timeouts.MUTED_FOR_S)


def _dashboards() -> dict[str, dict[str, Any]]:
    return {
        path.stem: json.loads(path.read_text())
        for path in sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
    }


def _targets(*dashboards: str) -> list[tuple[str, str, str]]:
    """(dashboard, panel title, PromQL with Grafana's variables filled in) for every query."""
    found = []
    for name, board in _dashboards().items():
        if dashboards and name not in dashboards:
            continue
        for panel in board["panels"]:
            for target in panel["targets"]:
                expr = target["expr"]
                for variable, value in GRAFANA_VARIABLES.items():
                    expr = expr.replace(variable, value)
                found.append((name, panel["title"], expr))
    return found


def test_every_service_is_scraped_and_up(observed: Observed) -> None:
    targets = _api(observed.prometheus_url, "targets")["data"]["activeTargets"]
    jobs = {t["labels"]["job"]: t["health"] for t in targets}
    assert jobs == {f"hearth-{s}": "up" for s in SERVICES}, [
        (t["labels"]["job"], t["health"], t["lastError"]) for t in targets
    ]


def test_every_service_exports_process_cpu_and_memory(observed: Observed) -> None:
    for metric in (
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "process_start_time_seconds",
    ):
        jobs = {r["metric"]["job"] for r in query(observed, metric)}
        assert jobs == {f"hearth-{s}" for s in SERVICES}, metric


@pytest.mark.parametrize("dashboard", ["pipeline", "privacy", "wake", "services"])
def test_every_panel_query_is_accepted(observed: Observed, dashboard: str) -> None:
    targets = _targets(dashboard)
    assert targets
    refused = {}
    for _, title, expr in targets:
        answer = _api(observed.prometheus_url, "query", query=expr)
        if answer["status"] != "success":
            refused[title] = answer.get("error")
    assert not refused


@pytest.mark.parametrize("dashboard", ["pipeline", "privacy", "wake", "services"])
def test_panels_show_data(observed: Observed, dashboard: str) -> None:
    empty = [
        f"{title}: {expr}"
        for _, title, expr in _targets(dashboard)
        if title not in MAY_BE_EMPTY and not query(observed, expr)
    ]
    assert not empty, "panels without data"


def test_every_hop_is_measured(observed: Observed) -> None:
    seen = {
        r["metric"]["hop"]: float(r["value"][1])
        for r in query(observed, "sum by (hop) (hearth_hop_latency_seconds_count)")
    }
    assert {hop: seen.get(hop, 0.0) > 0 for hop in HOPS} == {hop: True for hop in HOPS}, seen
    p95 = query(observed, 'hop:hearth_hop_latency_seconds:p95_5m{hop="end_of_speech_to_intent"}')
    assert p95 and 0 < float(p95[0]["value"][1]) < 10, p95


def test_rules_evaluate_and_no_critical_alert_fires(observed: Observed) -> None:
    groups = _api(observed.prometheus_url, "rules")["data"]["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert len(rules) >= 10
    broken = {rule["name"]: rule.get("lastError") for rule in rules if rule["health"] != "ok"}
    assert not broken
    assert query(observed, 'ALERTS{severity="critical", alertstate="firing"}') == []


def test_mute_shows_and_the_microphone_was_closed_while_muted(observed: Observed) -> None:
    window = "[5m:1s]"
    was_muted = query(
        observed, f'max_over_time(max by (site) (hearth_audio_muted{{site="kitchen"}}){window})'
    )
    assert was_muted and float(was_muted[0]["value"][1]) == 1, "the mute never reached the metrics"
    assert float(query(observed, 'hearth_audio_muted{site="kitchen"}')[0]["value"][1]) == 0, (
        "unmute did not reach the metrics"
    )
    was_closed = query(
        observed, f'min_over_time(max by (site) (hearth_audio_capturing{{site="kitchen"}}){window})'
    )
    assert was_closed and float(was_closed[0]["value"][1]) == 0
    open_while_muted = query(
        observed,
        "max_over_time((max by (site) (hearth_audio_capturing) * on (site) max by (site) "
        f"(hearth_audio_muted)){window})",
    )
    assert open_while_muted and all(float(r["value"][1]) == 0 for r in open_while_muted), (
        open_while_muted
    )


def test_no_words_or_session_ids_in_any_metric(observed: Observed) -> None:
    exposed = "\n".join(
        urllib.request.urlopen(observed.stack.metrics_url(s), timeout=timeouts.RPC_S)
        .read()
        .decode()
        for s in SERVICES
    )
    label_values = set(re.findall(r'="((?:[^"\\]|\\.)*)"', exposed))
    headers = [event.get("header", {}) for _, event in observed.events]
    ids = {h.get(key, "") for h in headers for key in ("session_id", "trace_id")} - {""}
    texts = {event["text"] for _, event in observed.events if event.get("text")}
    assert ids and texts, "no session or transcript was seen, so this check would prove nothing"
    assert [i for i in ids if i in exposed] == []
    assert [v for v in label_values if any(t in v or v in texts for t in texts)] == []
    sites = set(re.findall(r'\bsite="([^"]*)"', exposed))
    assert sites and sites <= set(
        observed.stack.config.get("sites", ("living_room", "kitchen", "bedroom", "office"))
    )
