"""Entry point: `hearth-tts` or `python -m hearth_tts`."""

from __future__ import annotations

import sys

from hearth.service import service_main
from hearth_tts.service import TtsService
from hearth_tts.settings import TtsSettings


def run() -> None:
    sys.exit(service_main("tts", TtsSettings, TtsService))


if __name__ == "__main__":
    run()
