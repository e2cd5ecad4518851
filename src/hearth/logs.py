"""Logging: one readable line per event, to stderr, so `hearth up` and docker logs show the same
thing.

Privacy rule for every logger in Hearth: log counts, sizes, durations and reasons, never
audio or the words somebody said.
"""

from __future__ import annotations

import logging
import sys


def configure(service: str, level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        logging.Formatter(f"%(asctime)s %(levelname)-7s {service}: %(message)s", "%H:%M:%S")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Third-party chatter that says nothing an owner can act on.
    logging.getLogger("grpc").setLevel(logging.WARNING)
