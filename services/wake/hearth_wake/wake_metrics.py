"""Metrics only the wake service can give: detections, their scores, listening sites, load time,
and what the verifier dropped.

Labels are engines (named in code) and sites (configured): bounded sets. docs/metrics.md lists them.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DETECTIONS = Counter("hearth_wake_detections_total", "Wake-word detections", ["engine", "site"])
SCORES = Histogram(
    "hearth_wake_score",
    "Scores of wake-word detections",
    ["engine"],
    buckets=(0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0),
)
MODEL_LOAD = Gauge(
    "hearth_wake_model_load_seconds", "Time the wake engine and its models took to load"
)
LISTENING = Gauge(
    "hearth_wake_listening_sites", "Sites currently streaming audio to the wake service"
)
VERIFIER_REJECTIONS = Counter(
    "hearth_wake_verifier_rejections_total",
    "Detections the verification pass did not confirm (dropped)",
    ["site"],
)
VERIFIER_OUTCOMES = Counter(
    "hearth_wake_verifier_outcomes_total",
    "Detections by what the verifier made of them: confirmed, dropped, or sure (the first stage "
    "passed its own calibrated threshold, so it was not checked)",
    ["outcome"],
)
for _outcome in ("confirmed", "dropped", "sure"):
    VERIFIER_OUTCOMES.labels(_outcome)
STREAMS_REFUSED = Counter(
    "hearth_wake_streams_refused_total",
    "Detect streams refused because wake.max_detect_streams were already open",
)
