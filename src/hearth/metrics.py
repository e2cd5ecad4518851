"""Metrics every service shares, and the /metrics endpoint.

Labels stay bounded: service, kind, reason, hop, site (sites are a configured list).
Never a transcript, a session id or anybody's words. docs/metrics.md lists every metric.

Every process also exports prometheus_client's default process collector
(process_cpu_seconds_total, process_resident_memory_bytes, process_start_time_seconds, ...): the
Services dashboard relies on it.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, Info, start_http_server

HOPS = (
    "audio_to_wake",
    "wake_to_session",
    "session_to_stt",
    "end_of_speech_to_transcript",
    "transcript_to_intent",
    "intent_to_handler",
    "end_of_speech_to_intent",
)
"""Every value of the hop label, in the order a command travels; the last one is the latency
users feel."""

LATENCY_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.15,
    0.2,
    0.3,
    0.5,
    0.75,
    1.0,
    2.0,
    5.0,
)

MESSAGES_IN = Counter(
    "hearth_messages_in_total",
    "Messages received (MQTT events and gRPC requests)",
    ["service", "kind"],
)
MESSAGES_OUT = Counter(
    "hearth_messages_out_total",
    "Messages sent (MQTT events and gRPC responses)",
    ["service", "kind"],
)
MESSAGES_REJECTED = Counter(
    "hearth_messages_rejected_total",
    "Messages refused: malformed, oversized, unauthorised, unknown site",
    ["service", "kind", "reason"],
)
RPC_DENIED = Counter(
    "hearth_rpc_denied_total",
    "gRPC calls refused because of who made them (no certificate identity, or an identity that "
    "may not make this call)",
    ["service", "method", "reason"],
)
ERRORS = Counter("hearth_errors_total", "Errors by kind", ["service", "kind"])
HOP_LATENCY = Histogram(
    "hearth_hop_latency_seconds",
    "Latency of one hop of a command, from the event's send timestamp to its arrival",
    ["hop"],
    buckets=LATENCY_BUCKETS,
)
STAGE_DURATION = Histogram(
    "hearth_stage_duration_seconds",
    "Time spent in one stage inside a service",
    ["service", "stage"],
    buckets=LATENCY_BUCKETS,
)
BUS_CONNECTED = Gauge(
    "hearth_bus_connected", "1 while the service is connected to the broker", ["service"]
)
SERVICE_INFO = Info("hearth_service", "Which Hearth service this process is")


def serve_metrics(host: str, port: int) -> int:
    """Start the /metrics endpoint in a background thread; returns the bound port (port 0 picks a
    free one)."""
    server, _thread = start_http_server(port, addr=host)
    return int(server.server_port)
