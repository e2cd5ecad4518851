"""Entry point: `hearth-wake` or `python -m hearth_wake`."""

from __future__ import annotations

import sys

from hearth.service import service_main
from hearth_wake.service import WakeService
from hearth_wake.settings import WakeSettings


def run() -> None:
    sys.exit(service_main("wake", WakeSettings, WakeService))


if __name__ == "__main__":
    run()
