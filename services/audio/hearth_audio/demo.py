"""`hearth demo` (what `hearth up --demo` runs once the stack is up): speak a few commands with
espeak-ng and play them through the running stack, so the assistant can be seen working on a machine
without a microphone."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

from hearth import espeak
from hearth.settings import CommonSettings, SettingsError, load_settings
from hearth_audio.run_file import play
from hearth_audio.settings import AudioSettings

DEMO_COMMANDS = (
    "hey hestia, turn on the kitchen lights",
    "hey hestia, what time is it",
    "hey hestia, set a timer for five minutes",
    "hey hestia, turn off the bedroom light",
)
PAUSE_S = 2.0


async def run_demo(common: CommonSettings, site: str | None = None) -> None:
    site = site or common.sites[0]
    with tempfile.TemporaryDirectory(prefix="hearth-demo-") as tmp:
        for number, text in enumerate(DEMO_COMMANDS):
            path = Path(tmp) / f"command{number}.wav"
            # 130 words a minute: Whisper (the default engine) hears espeak-ng's faster speech less
            # surely (at 150, "what time is it" was not recognised).
            arguments = espeak.voice_arguments("en-us", speed=130)
            await asyncio.to_thread(espeak.speak_to_file, text, path, arguments)
            print(f"demo: saying {text!r} at site {site}", flush=True)
            audio = AudioSettings(site=site, source="file", file=path, realtime=True)
            await play(common, audio, quiet=True)
            await asyncio.sleep(PAUSE_S)
    print("demo: done; the stack keeps running until Ctrl-C", flush=True)


def run(args: argparse.Namespace) -> int:
    try:
        common, _ = load_settings("audio", AudioSettings, args.config)
    except SettingsError as exc:
        print(f"hearth demo: {exc}", file=sys.stderr)
        return 2
    if args.site and args.site not in common.sites:
        print(f"hearth demo: unknown site {args.site!r}", file=sys.stderr)
        return 2
    try:
        asyncio.run(run_demo(common, args.site))
    except espeak.SynthesisError as exc:
        print(f"hearth demo: {exc}", file=sys.stderr)
        return 2
    return 0
