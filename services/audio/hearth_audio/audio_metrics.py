"""The audio service's metrics, in one place (docs/metrics.md lists every metric).

Labels are bounded: the site (a configured list), an outcome or a reason; never audio or words.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge

DROPPED = Counter(
    "hearth_audio_chunks_dropped_total",
    "Audio chunks that could not be delivered",
    ["site", "reason"],
)
MUTED = Gauge(
    "hearth_audio_muted",
    "1 while policy refuses this site's capture because it is muted (the audio service's view)",
    ["site"],
)
CAPTURE_ALLOWED = Gauge(
    "hearth_audio_capture_allowed",
    "1 while the site holds a live capture lease from policy",
    ["site"],
)
SESSIONS = Counter(
    "hearth_audio_sessions_total", "Sessions the audio service ran, by outcome", ["site", "outcome"]
)
CAPTURED_SECONDS = Counter(
    "hearth_audio_captured_seconds_total", "Seconds of audio captured", ["site"]
)
CAPTURE_FAILURES = Counter(
    "hearth_audio_capture_failures_total", "Unexpected capture errors (capture restarts)", ["site"]
)
SOURCE_FAILURES = Counter(
    "hearth_audio_source_failures_total", "Microphone or file source failures", ["site"]
)
CAPTURING = Gauge("hearth_audio_capturing", "1 while the site's microphone is open", ["site"])
