"""How soon people hear the answer: from the intent event to the first sample at the site's output.

Run: `python bench/answer_latency.py [--rounds N]`

It starts the whole stack as a user does (`hearth up`, Piper's en_US-joe-medium voice, the audio
service writing answers to a WAV file per site) and speaks commands into it with `hearth run-file`
(the wake word by espeak-ng, the command by Piper). For each answer it takes the intent service's
`intent/<site>/recognized` event (sent at the moment of recognition, together with the say request)
and the audio service's `tts/<site>/started` event (sent when the first sample reached the output),
both stamped by the services themselves, and prints p50/p95 of the difference: for every answer,
and for the answers said for the first time (the tts service had to synthesise them: the phrase
cache had nothing) apart. It also prints the tts service's resident memory at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.speech import woken_command_wav  # noqa: E402
from tests.support import (  # noqa: E402
    EventWatcher,
    Stack,
    events_of,
    percentile,
    process_memory_mb,
    stack_config,
    start_stack,
)

SITE = "living_room"
COMMANDS = (
    "what time is it",
    "what is the date today",
    "what did you hear",
)
"""Commands the default stack answers aloud (turning a device on says nothing until a Home
Assistant is connected). "what did you hear" reads back the last command, so its answer changes."""


def _at(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(event["header"]["sent_at"].replace("Z", "+00:00")).timestamp()


def _one_answer(stack: Stack, watcher: EventWatcher, wav: Path) -> tuple[str, float] | None:
    """Speak one command; its answer's text and the seconds from the intent event to the answer's
    first sample (None when the command was not recognised)."""
    result = stack.run_file(wav, "--site", SITE, "--fast")
    recognized = [e for e in events_of(result) if e["event"] == "intent.recognized"]
    if not recognized or not recognized[0].get("speech"):
        return None
    trace = recognized[0]["header"]["trace_id"]
    say = watcher.wait_for(f"/tts/{SITE}/say", where=lambda e: e["header"]["trace_id"] == trace)
    say_id = say["say_id"]
    started = watcher.wait_for(f"/tts/{SITE}/started", where=lambda e: e["say_id"] == say_id)
    watcher.wait_for(f"/tts/{SITE}/finished", where=lambda e: e["say_id"] == say_id)
    return str(say["text"]), _at(started) - _at(recognized[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=4, help="times each command is said")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hearth-bench-answers-") as name:
        tmp = Path(name)
        stack = start_stack(tmp, stack_config(tmp, audio={"site": SITE}))
        watcher = EventWatcher(stack)
        try:
            wavs = {
                text: woken_command_wav(text, tmp / f"{i}.wav") for i, text in enumerate(COMMANDS)
            }
            every: list[float] = []
            first_time: list[float] = []
            said: set[str] = set()
            for _ in range(args.rounds):
                for text, wav in wavs.items():
                    measured = _one_answer(stack, watcher, wav)
                    if measured is None:
                        print(f"  {text!r}: not recognised (or not answered) this time", flush=True)
                        continue
                    answer, latency = measured
                    every.append(latency)
                    if answer not in said:
                        first_time.append(latency)
                        said.add(answer)
                    time.sleep(0.5)
            rss, peak = process_memory_mb(stack.service_pid("tts"))
        finally:
            watcher.close()
            stack.stop()
    for label, values in (("every answer", every), ("said for the first time", first_time)):
        if values:
            print(
                f"intent event → first sample, {label}: n={len(values)} "
                f"p50 {statistics.median(values) * 1000:.0f} ms, "
                f"p95 {percentile(values, 0.95) * 1000:.0f} ms, "
                f"max {max(values) * 1000:.0f} ms"
            )
    print(f"tts service memory: {rss:.0f} MB resident now, {peak:.0f} MB at its peak")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
