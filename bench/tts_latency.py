"""How soon the tts service sends the first audio of a typical answer, and how much memory it takes.

Run: `python bench/tts_latency.py [--rounds N] [--threads T] [--voice NAME]`

It starts the real service (`python -m hearth_tts`, Piper's en_US-joe-medium, espeak-ng) with a real
broker and mutual TLS, then asks it, as the audio service would, for typical answers at 16 kHz and times
request → first samples received on an open channel: first with the phrase cache off (every sentence
synthesised: the worst case), then with it on (the second and later times an answer is said). It
prints p50/p95 per answer and overall, and the service's resident memory now and at its peak.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from hearth.v1 import tts_pb2  # noqa: E402
from tests.support import Broker, percentile  # noqa: E402
from tests.tts.running import RunningTts, start_tts, stop_tts  # noqa: E402

ANSWERS = (
    "It is 4:05 PM.",
    "Turned on the kitchen lights.",
    "Sorry, I didn't understand.",
    "Your pasta timer is done.",
    "Timer set for ten minutes. I will ring in the kitchen.",
    "I deleted what you said in the last five minutes.",
    "Today is Monday, the thirtieth of November.",
)


def first_audio_s(tts: RunningTts, text: str, voice: str = "") -> tuple[float, float]:
    """Seconds to the first samples, and to the end of the stream."""
    started = time.perf_counter()
    first = None
    request = tts_pb2.SynthesizeRequest(text=text, site="kitchen", sample_rate=16000, voice=voice)
    for response in tts.stub("audio").Synthesize(request, timeout=30):
        if response.pcm and first is None:
            first = time.perf_counter() - started
    assert first is not None, "no audio"
    return first, time.perf_counter() - started


def measure(tts: RunningTts, rounds: int, voice: str) -> dict[str, list[float]]:
    for text in ANSWERS[:2]:
        first_audio_s(tts, text, voice)  # the channel and the TLS session are set up before timing
    times: dict[str, list[float]] = {text: [] for text in ANSWERS}
    for _ in range(rounds):
        for text in ANSWERS:
            times[text].append(first_audio_s(tts, text, voice)[0])
    return times


def report(title: str, times: dict[str, list[float]]) -> None:
    print(f"\n{title}")
    print("| answer | p50 ms | p95 ms |\n| --- | ---: | ---: |")
    for text, values in times.items():
        print(
            f"| {text} | {percentile(values, 0.5) * 1000:.0f} | {percentile(values, 0.95) * 1000:.0f} |"
        )
    every = [v for values in times.values() for v in values]
    print(
        f"| **all {len(every)}** | **{statistics.median(every) * 1000:.0f}** | "
        f"**{percentile(every, 0.95) * 1000:.0f}** |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="tts.piper_threads")
    parser.add_argument("--voice", default="", help="a voice name (default: the default voice)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        broker = Broker(tmp / "broker")
        broker.start()
        try:
            for cache_s in (0.0, 300.0):
                service_dir = tmp / f"tts-{cache_s:.0f}"
                service_dir.mkdir()
                tts = start_tts(service_dir, broker, cache_s=cache_s, piper_threads=args.threads)
                try:
                    times = measure(tts, args.rounds, args.voice)
                    rss, peak = tts.rss_mb()
                finally:
                    stop_tts(tts)
                cache = "off: every sentence synthesised" if not cache_s else "on (300 s)"
                report(
                    f"request → first audio at 16 kHz, voice {args.voice or 'default'}, phrase cache {cache}, piper_threads {args.threads}",
                    times,
                )
                print(f"service memory: {rss:.0f} MB resident, {peak:.0f} MB at its peak")
        finally:
            broker.stop()


if __name__ == "__main__":
    main()
