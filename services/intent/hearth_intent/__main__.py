"""Entry point: `hearth-intent` or `python -m hearth_intent`."""

from __future__ import annotations

import sys

from hearth.service import service_main
from hearth_intent.service import IntentService
from hearth_intent.settings import IntentSettings


def run() -> None:
    sys.exit(service_main("intent", IntentSettings, IntentService))


if __name__ == "__main__":
    run()
