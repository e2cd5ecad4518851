"""Writes Hearth's Grafana dashboards (deploy/grafana/dashboards/*.json) from the panel lists below.

Dashboards are generated, not edited in Grafana's JSON, so that every query sits in one readable
place: tests/test_dashboards.py checks the committed JSON matches this file and runs every query
against a real Prometheus scraping a real stack. Run `python deploy/grafana/build_dashboards.py`
after changing a panel.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "hearth-prometheus"}
HEARTH_JOBS = 'job=~"hearth-.*"'
WIDTH = 24


@dataclass(frozen=True)
class Query:
    expr: str
    legend: str = ""
    heatmap: bool = False
    """Histogram buckets shown as a distribution (Grafana's "heatmap" format orders them by le)."""


@dataclass(frozen=True)
class Panel:
    title: str
    queries: tuple[Query, ...]
    kind: str = "timeseries"
    unit: str = "short"
    width: int = 12
    height: int = 8
    description: str = ""
    threshold: float | None = None
    """A red line (time series) or red colour (stat) from this value up."""
    mappings: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Dashboard:
    uid: str
    title: str
    description: str
    panels: tuple[Panel, ...]
    time_from: str = "now-6h"


def quantiles(metric: str, selector: str, by: str, legend: str) -> tuple[Query, ...]:
    """p50, p95 and p99 of a histogram, per `by` label set."""
    group = f"{by}, le" if by else "le"
    return tuple(
        Query(
            f"histogram_quantile({q}, sum by ({group}) (rate({metric}_bucket{{{selector}}}[$__rate_interval])))",
            f"p{int(q * 100)} {legend}".strip(),
        )
        for q in (0.5, 0.95, 0.99)
    )


def hop_quantile(q: float) -> Query:
    return Query(
        f"histogram_quantile({q}, sum by (hop, le) (rate(hearth_hop_latency_seconds_bucket[$__rate_interval])))",
        "{{hop}}",
    )


ON_OFF = (
    {
        "type": "value",
        "options": {"0": {"text": "off", "color": "green"}, "1": {"text": "on", "color": "red"}},
    },
)
MUTED = (
    {
        "type": "value",
        "options": {
            "0": {"text": "live", "color": "green"},
            "1": {"text": "muted", "color": "blue"},
        },
    },
)
UP = (
    {
        "type": "value",
        "options": {"0": {"text": "down", "color": "red"}, "1": {"text": "up", "color": "green"}},
    },
)
WRITABLE = (
    {
        "type": "value",
        "options": {
            "0": {"text": "read-only", "color": "red"},
            "1": {"text": "writable", "color": "green"},
        },
    },
)
VALID = (
    {
        "type": "value",
        "options": {
            "0": {"text": "BROKEN", "color": "red"},
            "1": {"text": "valid", "color": "green"},
        },
    },
)

PIPELINE = Dashboard(
    "hearth-pipeline",
    "Hearth · Pipeline",
    "How long each hop of a spoken command takes, how many commands flow, and what goes wrong.",
    (
        Panel(
            "End of speech → intent published (what users feel)",
            (
                *quantiles("hearth_hop_latency_seconds", 'hop="end_of_speech_to_intent"', "", ""),
                Query(
                    "max(hearth_stt_latency_objective_seconds)", "p95 objective of the stt engine"
                ),
            ),
            unit="s",
            width=24,
            description=(
                "The p95 objective depends on the engine: 300 ms for a grammar engine (the brief),"
                " 1 s for Whisper base on two cores; the alert HearthEndOfSpeechToIntentSlow uses it."
            ),
        ),
        Panel("Hop latency p50", (hop_quantile(0.5),), unit="s", width=8),
        Panel("Hop latency p95", (hop_quantile(0.95),), unit="s", width=8),
        Panel("Hop latency p99", (hop_quantile(0.99),), unit="s", width=8),
        Panel(
            "Stage duration p95 inside services",
            (
                Query(
                    "histogram_quantile(0.95, sum by (service, stage, le) (rate(hearth_stage_duration_seconds_bucket[$__rate_interval])))",
                    "{{service}} {{stage}}",
                ),
            ),
            unit="s",
        ),
        Panel(
            "stt real-time factor",
            quantiles("hearth_stt_real_time_factor", "", "", ""),
            unit="percentunit",
            threshold=1.0,
            description="Decode time divided by audio duration; at 1 (100%) decoding cannot keep up with speech.",
        ),
        Panel(
            "Speech: tts request → first audio",
            quantiles("hearth_tts_time_to_first_audio_seconds", "", "engine", "{{engine}}"),
            unit="s",
            threshold=0.3,
            description="The speech hop of an answer: a Synthesize request received to its first samples sent (docs/tts.md). The issue's target for intent → first sample heard is p95 300 ms (red line); this hop must stay well under it.",
        ),
        Panel(
            "Speech: requests and phrase cache",
            (
                Query(
                    "sum by (outcome) (rate(hearth_tts_requests_total[$__rate_interval])) * 60",
                    "requests/min {{outcome}}",
                ),
                Query(
                    'sum(rate(hearth_tts_cache_total{outcome="hit"}[$__rate_interval])) / sum(rate(hearth_tts_cache_total[$__rate_interval]))',
                    "cache hit ratio",
                ),
            ),
            description="Synthesize requests per minute by how they ended (busy: refused beyond tts.max_concurrent + max_waiting), and the share of sentences the phrase cache answered.",
        ),
        Panel(
            "Speech: say request → first sample at the site",
            quantiles("hearth_audio_say_to_first_sample_seconds", "", "site", "{{site}}"),
            unit="s",
            threshold=0.3,
            description="What people hear: an answer's say request sent (by intent, at the moment of recognition) to its first sample reaching the site's output, synthesis included (docs/playback.md). Target p95 300 ms with Piper (red line).",
        ),
        Panel(
            "Speech: answers played, barge-ins, follow-ups",
            (
                Query(
                    "sum by (site, outcome) (rate(hearth_audio_playbacks_total[$__rate_interval])) * 60",
                    "{{site}} {{outcome}}",
                ),
                Query(
                    "sum by (site) (rate(hearth_audio_barge_ins_total[$__rate_interval])) * 60",
                    "{{site}} barge-in",
                ),
                Query(
                    "sum by (site) (rate(hearth_audio_self_wakes_suppressed_total[$__rate_interval])) * 60",
                    "{{site}} own voice ignored",
                ),
                Query(
                    "sum by (site, outcome) (rate(hearth_audio_follow_ups_total[$__rate_interval])) * 60",
                    "{{site}} follow-up {{outcome}}",
                ),
            ),
            description="Per minute and site: say requests by how they ended (played, interrupted, failed, no output), answers stopped by a wake word spoken over them, wake detections ignored as the site's own voice, and follow-up sessions asked of policy by its answer.",
        ),
        Panel(
            "Commands per minute by outcome",
            (
                Query(
                    "sum by (outcome) (rate(hearth_intent_results_total[$__rate_interval])) * 60",
                    "{{outcome}}",
                ),
            ),
            unit="short",
        ),
        Panel(
            "Intents per minute",
            (
                Query(
                    'sum by (intent) (rate(hearth_intent_results_total{outcome="recognized"}[$__rate_interval])) * 60',
                    "{{intent}}",
                ),
            ),
        ),
        Panel(
            "Messages in per second",
            (
                Query(
                    "sum by (service, kind) (rate(hearth_messages_in_total[$__rate_interval]))",
                    "{{service}} {{kind}}",
                ),
            ),
            unit="reqps",
        ),
        Panel(
            "Messages out per second",
            (
                Query(
                    "sum by (service, kind) (rate(hearth_messages_out_total[$__rate_interval]))",
                    "{{service}} {{kind}}",
                ),
            ),
            unit="reqps",
        ),
        Panel(
            "Errors",
            (
                Query(
                    "sum by (service, kind) (increase(hearth_errors_total[$__rate_interval]))",
                    "{{service}} {{kind}}",
                ),
            ),
            description="Errors by service and kind; empty while nothing goes wrong.",
        ),
        Panel(
            "Rejected messages",
            (
                Query(
                    "sum by (service, kind, reason) (increase(hearth_messages_rejected_total[$__rate_interval]))",
                    "{{service}} {{kind}}: {{reason}}",
                ),
                Query(
                    "sum by (reason) (increase(hearth_stt_refused_streams_total[$__rate_interval]))",
                    "stt stream refused: {{reason}}",
                ),
            ),
            description="Malformed, oversized, unauthorised or unknown-site input; empty while nothing is refused.",
        ),
        Panel(
            "Audio chunks dropped",
            (
                Query(
                    "sum by (site, reason) (increase(hearth_audio_chunks_dropped_total[$__rate_interval]))",
                    "{{site}}: {{reason}}",
                ),
            ),
            description="Chunks that could not reach the wake service; empty while every chunk is delivered.",
        ),
        Panel(
            "Audio sessions by outcome",
            (
                Query(
                    "sum by (site, outcome) (increase(hearth_audio_sessions_total[$__rate_interval]))",
                    "{{site}} {{outcome}}",
                ),
            ),
        ),
        Panel(
            "Transcripts against the vocabulary",
            (
                # One query: Whisper's scoring when the engine scores, else the match by spelling
                # (grammar engines; Whisper with scoring off). `or on ()` keeps Whisper's "as heard"
                # transcripts, which are counted by spelling too, from being shown twice.
                Query(
                    'label_replace(sum by (outcome) (increase(hearth_stt_scored_total[$__rate_interval])), "how", "Whisper scored", "", "")'
                    ' or on () label_replace(sum by (outcome) (increase(hearth_stt_snapped_total[$__rate_interval])), "how", "by spelling", "", "")',
                    "{{how}}: {{outcome}}",
                ),
            ),
            description=(
                "How each final transcript met the home's sentences: chosen by Whisper's score, passed on"
                " as heard, or not recognised because two meanings were too close (too_close) or none was"
                " likely (unlikely); a rising too_close share means sound-alike commands in this home."
            ),
        ),
        Panel(
            "Model load time",
            (
                Query("max(hearth_stt_model_load_seconds)", "stt"),
                Query("max(hearth_wake_model_load_seconds)", "wake"),
            ),
            kind="stat",
            unit="s",
        ),
        Panel(
            "stt vocabulary",
            (
                Query("max(hearth_stt_vocabulary_words)", "words in the grammar"),
                Query("max(hearth_stt_vocabulary_missing_words)", "words the model lacks"),
            ),
            kind="stat",
        ),
    ),
)

PRIVACY = Dashboard(
    "hearth-privacy",
    "Hearth · Privacy",
    "Whether muted means muted, what Hearth holds and for how long, what it purged, and whether the audit log is intact.",
    (
        Panel(
            "Mute state per site",
            (
                Query("max by (site) (hearth_site_muted)", "{{site}} (policy)"),
                Query("max by (site) (hearth_audio_muted)", "{{site}} (audio service)"),
            ),
            kind="state-timeline",
            mappings=MUTED,
            width=24,
            height=6,
        ),
        Panel(
            "Audio captured while muted (flat zero when all is well)",
            (
                Query(
                    "site:hearth_audio_captured_seconds:increase2m * on (site) site:hearth_site_muted:min3m",
                    "{{site}}: seconds captured while policy held it muted",
                ),
                Query(
                    "max by (site) (hearth_audio_capturing) * on (site) max by (site) (hearth_audio_muted)",
                    "{{site}}: microphone open while the audio service knows it is muted",
                ),
            ),
            unit="s",
            threshold=0.001,
            description="Anything above zero fires the critical alert HearthAudioCapturedWhileMuted.",
        ),
        Panel(
            "Microphone open and capture lease per site",
            (
                Query("max by (site) (hearth_audio_capturing)", "{{site}} microphone open"),
                Query("max by (site) (hearth_audio_capture_allowed)", "{{site}} lease held"),
            ),
            kind="state-timeline",
            mappings=ON_OFF,
        ),
        Panel(
            "Audio captured per site",
            (
                Query(
                    "sum by (site) (rate(hearth_audio_captured_seconds_total[$__rate_interval]))",
                    "{{site}}",
                ),
            ),
            unit="percentunit",
            description="Seconds of audio captured per second: 100% while a site listens, 0 while muted.",
        ),
        Panel(
            "Items held by retention class",
            (Query("sum by (class, site) (hearth_privacy_items_held)", "{{class}} {{site}}"),),
        ),
        Panel(
            "Oldest item held, by class",
            (Query("max by (class) (hearth_privacy_oldest_item_age_seconds)", "{{class}}"),),
            unit="s",
        ),
        Panel(
            "Items purged",
            (
                Query(
                    "sum by (class) (increase(hearth_privacy_items_purged_total[$__rate_interval]))",
                    "{{class}}",
                ),
            ),
        ),
        Panel(
            "Since the last purge",
            (
                Query(
                    "time() - max(hearth_privacy_last_purge_timestamp_seconds)",
                    "since the last purge",
                ),
            ),
            kind="stat",
            unit="s",
            width=6,
            threshold=3600,
        ),
        Panel(
            "Purge failures, last hour",
            (Query("sum(increase(hearth_privacy_purge_failures_total[1h]))", "failures"),),
            kind="stat",
            width=6,
            threshold=1,
        ),
        Panel(
            "Privacy store",
            (Query("min(hearth_privacy_store_writable)", "writable"),),
            kind="stat",
            width=6,
            mappings=WRITABLE,
        ),
        Panel(
            "Audit chain",
            (Query("min(hearth_audit_chain_valid)", "chain"),),
            kind="stat",
            width=6,
            mappings=VALID,
        ),
        Panel(
            "Audit log",
            (
                Query("max(hearth_audit_chain_length)", "entries in the chain"),
                Query("sum(increase(hearth_audit_entries_total[1h]))", "appended in the last hour"),
                Query("max(hearth_audit_chain_head)", "head (first 12 hex digits, as a number)"),
            ),
            kind="stat",
            unit="none",
            width=12,
        ),
    ),
)

WAKE = Dashboard(
    "hearth-wake",
    "Hearth · Wake",
    "Wake-word detections, probable false wakes (sessions that ended with nothing recognised) and scores.",
    (
        Panel(
            "Wake detections per site, last hour",
            (Query("sum by (site) (increase(hearth_wake_detections_total[1h]))", "{{site}}"),),
        ),
        Panel(
            "Probable false wakes per site, last hour",
            (Query("sum by (site) (increase(hearth_probable_false_wakes_total[1h]))", "{{site}}"),),
            threshold=0.5,
            description="The brief aims at under 0.5 false wakes an hour (red line); the alert fires above 1.",
        ),
        Panel(
            "Wake detections by engine and site",
            (
                Query(
                    "sum by (engine, site) (increase(hearth_wake_detections_total[$__rate_interval]))",
                    "{{engine}} {{site}}",
                ),
            ),
        ),
        Panel(
            "Sessions by outcome, last hour",
            (
                Query(
                    "sum by (site, outcome) (increase(hearth_sessions_total[1h]))",
                    "{{site}} {{outcome}}",
                ),
            ),
        ),
        Panel(
            "Detections the verifier dropped, last hour",
            (
                Query(
                    "sum by (site) (increase(hearth_wake_verifier_rejections_total[1h]))",
                    "{{site}}",
                ),
            ),
            description="Detections the verifier (wake.verify: whisper or vosk) did not confirm: false wakes it "
            "stopped. Empty when the verifier is off.",
        ),
        Panel(
            "What the verifier made of detections, last hour",
            (
                Query(
                    "sum by (outcome) (increase(hearth_wake_verifier_outcomes_total[1h]))",
                    "{{outcome}}",
                ),
            ),
            description="confirmed: the check heard the phrase; dropped: it did not; sure: the first stage passed its "
            "own calibrated threshold, so the detection went out unchecked. Many dropped and few confirmed "
            "next to a TV: lower that site's wake.site_sensitivity.",
        ),
        Panel(
            "Wake score distribution",
            (
                Query(
                    "sum by (le) (increase(hearth_wake_score_bucket[$__range]))",
                    "{{le}}",
                    heatmap=True,
                ),
            ),
            kind="bargauge",
            description="Scores of detections in the shown time range; scores near the threshold are where false wakes live.",
        ),
        Panel(
            "Sites streaming to the wake service",
            (Query("sum(hearth_wake_listening_sites)", "sites"),),
            kind="stat",
        ),
    ),
)

SERVICES = Dashboard(
    "hearth-services",
    "Hearth · Services",
    "Whether each service is up, and what it costs in CPU and memory.",
    (
        Panel(
            "Up",
            (Query(f"up{{{HEARTH_JOBS}}}", "{{job}} {{instance}}"),),
            kind="stat",
            width=24,
            height=4,
            mappings=UP,
        ),
        Panel(
            "CPU (share of one core)",
            (
                Query(
                    f"rate(process_cpu_seconds_total{{{HEARTH_JOBS}}}[$__rate_interval])",
                    "{{job}} {{instance}}",
                ),
            ),
            unit="percentunit",
        ),
        Panel(
            "Memory (resident)",
            (Query(f"process_resident_memory_bytes{{{HEARTH_JOBS}}}", "{{job}} {{instance}}"),),
            unit="bytes",
        ),
        Panel(
            "Restarts in the last hour",
            (
                Query(
                    f"changes(process_start_time_seconds{{{HEARTH_JOBS}}}[1h])",
                    "{{job}} {{instance}}",
                ),
            ),
            description="How often each process started anew (`hearth up` restarts a service that dies).",
        ),
        Panel(
            "Uptime",
            (Query(f"time() - process_start_time_seconds{{{HEARTH_JOBS}}}", "{{job}}"),),
            kind="stat",
            unit="s",
        ),
        Panel(
            "Connected to the broker",
            (Query("max by (service) (hearth_bus_connected)", "{{service}}"),),
            kind="state-timeline",
            mappings=(
                {
                    "type": "value",
                    "options": {
                        "0": {"text": "disconnected", "color": "red"},
                        "1": {"text": "connected", "color": "green"},
                    },
                },
            ),
        ),
        Panel(
            "Open file descriptors",
            (Query(f"process_open_fds{{{HEARTH_JOBS}}}", "{{job}} {{instance}}"),),
        ),
        Panel(
            "Versions",
            (Query("hearth_service_info", "{{service}} {{version}} on {{instance}}"),),
            kind="table",
            width=24,
        ),
    ),
)

DASHBOARDS = (PIPELINE, PRIVACY, WAKE, SERVICES)


def render_panel(panel: Panel, panel_id: int, x: int, y: int) -> dict[str, Any]:
    targets = [
        {
            "refId": chr(ord("A") + i),
            "datasource": DATASOURCE,
            "expr": q.expr,
            "legendFormat": q.legend,
            **({"format": "heatmap"} if q.heatmap else {}),
            **({"format": "table", "instant": True} if panel.kind == "table" else {}),
        }
        for i, q in enumerate(panel.queries)
    ]
    steps: list[dict[str, Any]] = [{"color": "green", "value": None}]
    if panel.threshold is not None:
        steps.append({"color": "red", "value": panel.threshold})
    defaults: dict[str, Any] = {
        "unit": panel.unit,
        "thresholds": {"mode": "absolute", "steps": steps},
        "mappings": list(panel.mappings),
    }
    if panel.kind == "timeseries" and panel.threshold is not None:
        defaults["custom"] = {"thresholdsStyle": {"mode": "line"}}
    return {
        "id": panel_id,
        "type": panel.kind,
        "title": panel.title,
        "description": panel.description,
        "datasource": DATASOURCE,
        "gridPos": {"x": x, "y": y, "w": panel.width, "h": panel.height},
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": _options(panel),
        "targets": targets,
    }


def _options(panel: Panel) -> dict[str, Any]:
    if panel.kind == "timeseries":
        return {
            "legend": {
                "displayMode": "table",
                "placement": "bottom",
                "calcs": ["lastNotNull", "max"],
            },
            "tooltip": {"mode": "multi"},
        }
    if panel.kind in ("stat", "bargauge"):
        return {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False}}
    return {}


def render(dashboard: Dashboard) -> dict[str, Any]:
    panels, x, y, row_height = [], 0, 0, 0
    for panel_id, panel in enumerate(dashboard.panels, start=1):
        if x + panel.width > WIDTH:
            x, y, row_height = 0, y + row_height, 0
        panels.append(render_panel(panel, panel_id, x, y))
        x, row_height = x + panel.width, max(row_height, panel.height)
    return {
        "uid": dashboard.uid,
        "title": dashboard.title,
        "description": dashboard.description,
        "tags": ["hearth"],
        "editable": False,
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": dashboard.time_from, "to": "now"},
        "timezone": "browser",
        "templating": {"list": []},
        "annotations": {"list": []},
        "links": [
            {"type": "dashboards", "tags": ["hearth"], "asDropdown": False, "title": "Hearth"}
        ],
        "panels": panels,
    }


def files() -> dict[str, str]:
    """File name → JSON text of every dashboard."""
    return {
        f"{d.uid.removeprefix('hearth-')}.json": json.dumps(render(d), indent=2, ensure_ascii=False)
        + "\n"
        for d in DASHBOARDS
    }


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, text in files().items():
        (OUT / name).write_text(text)
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
