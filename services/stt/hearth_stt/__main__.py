"""Entry point: `hearth-stt` or `python -m hearth_stt`."""

from __future__ import annotations

import sys

from hearth.service import service_main
from hearth_stt.service import SttService
from hearth_stt.settings import SttSettings


def run() -> None:
    sys.exit(service_main("stt", SttSettings, SttService))


if __name__ == "__main__":
    run()
