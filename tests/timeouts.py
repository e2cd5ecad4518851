"""Every wait in the tests is bounded by one of these, kept in one place so CI tuning happens here."""

STACK_START_S = 240.0
"""`hearth up` until every service reports online (model loading on a slow 2-core machine)."""
STACK_STOP_S = 20.0
RUN_FILE_S = 120.0
"""One `hearth run-file` (real-time playback of a few seconds, plus decoding)."""
CLI_S = 30.0
SYNTH_S = 60.0
RPC_S = 10.0
EVENT_S = 15.0
"""A log line, metric or MQTT event we expect to appear."""
