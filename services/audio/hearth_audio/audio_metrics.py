"""The audio service's metrics, in one place (docs/metrics.md lists every metric).

Labels are bounded: the site (a configured list), an outcome or a reason; never audio or words.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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

# Spoken answers. "Outcome" is a SpeechFinished outcome (played, interrupted, failed, no_output) or
# a follow-up's (granted, refused, unreachable); "reason" a failure named in code.
SAY_TO_FIRST_SAMPLE = Histogram(
    "hearth_audio_say_to_first_sample_seconds",
    "From a say request's sending to its first sample reaching the site's output",
    ["site"],
    buckets=(0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0),
)
PLAYED_SECONDS = Counter(
    "hearth_audio_played_seconds_total", "Seconds of spoken answers played", ["site"]
)
PLAYBACKS = Counter(
    "hearth_audio_playbacks_total",
    "Say requests the site finished, by outcome",
    ["site", "outcome"],
)
PLAYBACK_FAILURES = Counter(
    "hearth_audio_playback_failures_total",
    "Say requests that failed, by why (queue_full, unknown_voice, text_refused, tts_unreachable, "
    "tts_refused, tts_failed, player_failed, internal)",
    ["site", "reason"],
)
BARGE_INS = Counter(
    "hearth_audio_barge_ins_total",
    "Answers stopped because a person said the wake word over them",
    ["site"],
)
SELF_WAKES_SUPPRESSED = Counter(
    "hearth_audio_self_wakes_suppressed_total",
    "Wake detections ignored because they were the site's own answer heard by its microphone",
    ["site"],
)
FOLLOW_UPS = Counter(
    "hearth_audio_follow_ups_total",
    "Follow-up sessions asked of policy after an answer that continued the conversation, by "
    "outcome (granted, refused, unreachable)",
    ["site", "outcome"],
)

FOLLOW_UP_OUTCOMES = ("granted", "refused", "unreachable")


def start_counting(site: str) -> None:
    """Give the site's answer counters their series at zero, so a dashboard shows "none yet"
    rather than "no data" for barge-ins, self-wakes and follow-ups that have not happened."""
    BARGE_INS.labels(site)
    SELF_WAKES_SUPPRESSED.labels(site)
    PLAYED_SECONDS.labels(site)
    for outcome in FOLLOW_UP_OUTCOMES:
        FOLLOW_UPS.labels(site, outcome)
