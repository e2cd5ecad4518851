"""Every metric Hearth registers has bounded labels and is documented; every dashboard and rule uses
only metrics that exist; the committed dashboards are what deploy/grafana/build_dashboards.py makes.

"Bounded" means a label's values come from a fixed or configured list (services, sites, kinds,
outcomes, intent names from the templates), never from what people say or from per-command ids.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import pkgutil
import re
import sys

import pytest
import yaml
from prometheus_client import REGISTRY
from prometheus_client.metrics import MetricWrapperBase

from tests.support import REPO

SERVICE_PACKAGES = (
    "hearth",
    "hearth_audio",
    "hearth_wake",
    "hearth_stt",
    "hearth_intent",
    "hearth_policy",
    "hearth_tts",
)

BOUNDED_LABELS = {
    "service",  # the five services
    "kind",  # message and error kinds, named in code
    "reason",  # refusal reasons, named in code
    "hop",  # hearth.metrics.HOPS
    "stage",  # stages named in code
    "site",  # the configured sites
    "engine",  # wake, stt and tts engines, named in code
    "outcome",  # session and intent outcomes, named in code
    "class",  # retention classes: audio, transcript, intent
    "intent",  # intent names from the configured templates
    "state",  # states named in code
    "method",  # gRPC methods, named in the protos
    "plugin",  # intent plugins: the installed packages' entry-point names
}
UNBOUNDED_HINTS = (
    "text",
    "transcript",
    "session",
    "trace",
    "user",
    "word",
    "speech",
    "slot",
    "id",
    "path",
    "file",
    "query",
)

STANDARD_METRICS = {
    "up",
    "ALERTS",
    "process_cpu_seconds_total",
    "process_resident_memory_bytes",
    "process_start_time_seconds",
    "process_open_fds",
}
"""Prometheus's own series and prometheus_client's default process collector."""

RECORDED_NAME = r"\b[a-z_]+:[a-z_0-9]+:[a-z_0-9]+\b"
"""level:metric:operations, Prometheus's naming for recording rules."""
DOCS = REPO / "docs" / "metrics.md"
DEPLOY = REPO / "deploy"


def _import_services() -> None:
    for package_name in SERVICE_PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=package_name + "."):
            importlib.import_module(info.name)


def registered() -> dict[str, tuple[str, ...]]:
    """Exposed name (counters with _total) → label names, for every Hearth metric in the default
    registry."""
    _import_services()
    found: dict[str, tuple[str, ...]] = {}
    for collector in list(REGISTRY._collector_to_names):
        if not isinstance(collector, MetricWrapperBase):
            continue
        name = collector._name + ("_total" if collector._type == "counter" else "")
        name = name + "_info" if collector._type == "info" else name
        if name.startswith("hearth_"):
            found[name] = tuple(collector._labelnames)
    return found


def documented() -> set[str]:
    """Names in the metric tables: rows whose second column is a metric type."""
    return set(
        re.findall(
            r"^\| `([a-zA-Z_]+)` \| (?:counter|gauge|histogram|info) \|",
            DOCS.read_text(),
            flags=re.MULTILINE,
        )
    )


def test_every_label_is_bounded() -> None:
    metrics = registered()
    assert len(metrics) > 20, sorted(metrics)
    unbounded = {name: labels for name, labels in metrics.items() if set(labels) - BOUNDED_LABELS}
    assert not unbounded, (
        "labels outside the bounded set; a new label needs a reason in BOUNDED_LABELS"
    )


def test_no_allowed_label_looks_unbounded() -> None:
    """Guards the allow-list itself against someone adding `session_id` or `text` to it."""
    assert [
        label for label in BOUNDED_LABELS if any(hint in label for hint in UNBOUNDED_HINTS)
    ] == []


def test_every_metric_is_documented() -> None:
    missing = set(registered()) - documented()
    assert not missing, "add these to docs/metrics.md"


def test_every_documented_metric_exists() -> None:
    stale = documented() - set(registered()) - STANDARD_METRICS
    assert not stale, "docs/metrics.md lists metrics nothing registers"


def _metric_names(expr: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', '""', expr)
    without_strings = re.sub(RECORDED_NAME, "", without_strings)
    names = set(re.findall(r"\b((?:hearth|process)_[a-z_]+|up|ALERTS)\b(?!\s*\()", without_strings))
    return {re.sub(r"_(bucket|count|sum)$", "", name) for name in names}


def _recorded() -> set[str]:
    return {
        rule["record"]
        for path in (DEPLOY / "prometheus" / "rules").glob("*.yml")
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "record" in rule
    }


def _rule_exprs() -> list[str]:
    return [
        rule["expr"]
        for path in (DEPLOY / "prometheus" / "rules").glob("*.yml")
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
    ]


def _panel_exprs() -> list[str]:
    return [
        target["expr"]
        for path in (DEPLOY / "grafana" / "dashboards").glob("*.json")
        for panel in json.loads(path.read_text())["panels"]
        for target in panel["targets"]
    ]


@pytest.mark.parametrize("source", ["dashboards", "rules"])
def test_queries_use_only_metrics_that_exist(source: str) -> None:
    known = set(registered()) | STANDARD_METRICS | _recorded()
    exprs = _panel_exprs() if source == "dashboards" else _rule_exprs()
    recorded_names = {name for expr in exprs for name in re.findall(RECORDED_NAME, expr)}
    unknown = {name for expr in exprs for name in _metric_names(expr)} - known
    assert exprs and not unknown
    assert recorded_names <= _recorded()


def test_committed_dashboards_are_generated() -> None:
    spec = importlib.util.spec_from_file_location(
        "build_dashboards", DEPLOY / "grafana" / "build_dashboards.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    stale = [
        name
        for name, text in module.files().items()
        if (DEPLOY / "grafana" / "dashboards" / name).read_text() != text
    ]
    assert not stale, "run `python deploy/grafana/build_dashboards.py`"


def test_dashboards_use_the_provisioned_data_source() -> None:
    provisioned = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "hearth.yml").read_text()
    )
    uid = provisioned["datasources"][0]["uid"]
    uids = {
        target["datasource"]["uid"]
        for path in (DEPLOY / "grafana" / "dashboards").glob("*.json")
        for panel in json.loads(path.read_text())["panels"]
        for target in panel["targets"]
    }
    assert uids == {uid}
