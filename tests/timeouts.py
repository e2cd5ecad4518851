"""Every wait in the tests is bounded by one of these, kept in one place so CI tuning happens
here."""

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
SPOKEN_COMMANDS_S = 90.0
"""A command looped by the test microphone, heard and understood (the loop of three commands
takes ~20 s)."""
MUTED_FOR_S = 4.0
"""How long a site stays muted (then unmuted) so that several 1 s scrapes see each state."""
PROMETHEUS_START_S = 30.0
"""Debian's prometheus binary until /-/ready answers."""
PROMETHEUS_SCRAPE_S = 30.0
"""Until what the services counted shows in Prometheus (1 s scrapes)."""
PROMETHEUS_RULES_S = 3.0
"""A few 1 s rule evaluations after the last sample we wait for, so recording rules have caught
up."""
INSTALL_S = 600.0
"""One `pip install` into a new virtualenv (from PyPI or pip's cache)."""
