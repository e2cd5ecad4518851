"""Entry point: `hearth-audio` or `python -m hearth_audio`."""

from __future__ import annotations

import sys

from hearth.service import service_main
from hearth_audio.service import AudioService
from hearth_audio.settings import AudioSettings


def run() -> None:
    sys.exit(service_main("audio", AudioSettings, AudioService))


if __name__ == "__main__":
    run()
