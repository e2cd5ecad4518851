"""`hearth up --demo`: speak a few commands with espeak-ng and play them through the running stack,
so the assistant can be seen working on a machine without a microphone."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
from pathlib import Path

from hearth.cli.run_file import play
from hearth.settings import CommonSettings

DEMO_COMMANDS = (
    "hey hestia, turn on the kitchen lights",
    "hey hestia, what time is it",
    "hey hestia, set a timer for five minutes",
    "hey hestia, turn off the bedroom light",
)
PAUSE_S = 2.0


def synthesize(text: str, path: Path, voice: str = "en-us", speed: int = 150) -> None:
    """espeak-ng writes a 22 kHz WAV; the audio path converts it like any other file."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("the demo needs espeak-ng (Debian/Ubuntu: sudo apt install espeak-ng)")
    subprocess.run(
        [espeak, "-v", voice, "-s", str(speed), "-w", str(path), text],
        check=True,
        timeout=60,
        capture_output=True,
    )


async def run_demo(common: CommonSettings, site: str | None = None) -> None:
    from hearth_audio.settings import AudioSettings

    site = site or common.sites[0]
    with tempfile.TemporaryDirectory(prefix="hearth-demo-") as tmp:
        for number, text in enumerate(DEMO_COMMANDS):
            path = Path(tmp) / f"command{number}.wav"
            await asyncio.to_thread(synthesize, text, path)
            print(f"demo: saying {text!r} at site {site}", flush=True)
            audio = AudioSettings(site=site, source="file", file=path, realtime=True)
            await play(common, audio, quiet=True)
            await asyncio.sleep(PAUSE_S)
    print("demo: done; the stack keeps running until Ctrl-C", flush=True)
