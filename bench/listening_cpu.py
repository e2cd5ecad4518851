"""What a site costs while it only listens for the wake word, and whether 20 sites stream without dropping audio.

Run: `python bench/listening_cpu.py [--seconds 60] [--sites 1,20] [--json FILE]`

It starts `hearth up` with twenty sites (site01 … site20), then for each site count K streams N seconds of
speech-like audio without the wake word (espeak-ng sentences with pauses) from K sites at once, through the
real audio pipeline run in this process (`SitePipeline` with a real-time `FileSource`, exactly what
`hearth run-file` does), and measures:

- the wake service's CPU (process_cpu_seconds_total from its /metrics) and policy's (it holds every lease);
- this process's CPU (time.process_time): the audio side of K sites, gRPC and asyncio included;
- chunks dropped (hearth_audio_chunks_dropped_total in this process's registry) and wake's audio_to_wake hop;
- wake detections on audio that contains no wake word (false wakes).

CPU is reported as % of one core per site, with the idle cost of the services measured first.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from prometheus_client import REGISTRY

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for entry in (str(REPO), str(BENCH)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from pipeline_latency import Samples, histogram, ms, scrape, value, write_figures  # noqa: E402

from tests.support import Stack, speak, stack_config, start_stack  # noqa: E402

SITES = tuple(f"site{n:02d}" for n in range(1, 21))
IDLE_S = 10.0
# Household talk with no "hey hestia" in it: what a listening site hears most of the day.
SENTENCES = (
    "I think we should leave a little earlier tomorrow morning.",
    "Did you remember to buy milk and some bread on the way home?",
    "The weather forecast says it will rain most of the afternoon.",
    "Could you pass me the salt, please? Thank you.",
    "We watched a documentary about whales last night, it was wonderful.",
    "The kids have football practice at four and a piano lesson after that.",
    "Let's call grandma this weekend and ask how she is doing.",
    "My sister is coming to visit in two weeks with her new dog.",
    "This soup needs a bit more pepper, but otherwise it is perfect.",
    "I can't find my keys anywhere, have you seen them in the hall?",
)
TARGET_CPU_PER_SITE_PCT = 5.0


def speech_without_wake_word(workdir: Path, seconds: float) -> Path:
    """One WAV of espeak-ng sentences separated by pauses of 0.4 to 1.6 s, repeated to `seconds`."""
    pieces: list[np.ndarray] = []
    rate = 0
    pauses = np.random.default_rng(7).uniform(0.4, 1.6, len(SENTENCES))
    for index, (sentence, pause) in enumerate(zip(SENTENCES, pauses, strict=True)):
        path = speak(sentence, workdir / f"talk{index:02d}.wav")
        with wave.open(str(path), "rb") as wav:
            rate = wav.getframerate()
            pieces.append(np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16))
        pieces.append(np.zeros(int(pause * rate), dtype=np.int16))
    loop = np.concatenate(pieces)
    total = int(seconds * rate)
    samples = np.tile(loop, total // loop.size + 1)[:total]
    out = workdir / "talk.wav"
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return out


def dropped_chunks() -> dict[str, float]:
    """hearth_audio_chunks_dropped_total of this process, by reason, summed over sites."""
    by_reason: dict[str, float] = {}
    for family in REGISTRY.collect():
        for sample in family.samples:
            if sample.name == "hearth_audio_chunks_dropped_total":
                reason = sample.labels.get("reason", "")
                by_reason[reason] = by_reason.get(reason, 0.0) + sample.value
    return by_reason


def cpu_seconds(samples: Samples) -> float:
    return value(samples, "process_cpu_seconds_total")


@dataclass
class Snapshot:
    """CPU counters of the services and of this process at one moment."""

    wall: float
    own_cpu: float
    wake: Samples
    policy: Samples

    @classmethod
    def take(cls, stack: Stack) -> Snapshot:
        return cls(
            time.monotonic(),
            time.process_time(),
            scrape(stack.metrics_url("wake")),
            scrape(stack.metrics_url("policy")),
        )


def measure_idle(stack: Stack, seconds: float) -> dict[str, float]:
    """CPU the wake and policy services spend with no site streaming (model threads, metrics, keepalives)."""
    before = Snapshot.take(stack)
    time.sleep(seconds)
    after = Snapshot.take(stack)
    wall = after.wall - before.wall
    return {
        "seconds": wall,
        "wake_core_pct": 100 * (cpu_seconds(after.wake) - cpu_seconds(before.wake)) / wall,
        "policy_core_pct": 100 * (cpu_seconds(after.policy) - cpu_seconds(before.policy)) / wall,
    }


async def stream_sites(stack: Stack, wav: Path, sites: tuple[str, ...]) -> dict[str, Any]:
    """Play wav in real time from every site at once through the real pipeline; measure around the playback only."""
    from hearth import identity
    from hearth.settings import load_settings
    from hearth_audio.pipeline import SitePipeline
    from hearth_audio.settings import AudioSettings
    from hearth_audio.sources import FileSource

    common, audio = load_settings("audio", AudioSettings, stack.config_path)
    microphones = identity.resolve(common, "audio")  # as the base's audio service
    pipelines = []
    for index, site in enumerate(sites):
        settings = audio.model_copy(
            update={
                "site": site,
                "source": "file",
                "file": wav,
                "realtime": True,
                "trailing_silence_s": 0.0,
            }
        )
        source = FileSource(wav, settings.chunk_ms, realtime=True, trailing_silence_s=0.0)
        source.load()
        assert source.samples is not None
        # Start every site at a different place in the talk, so the sites are not speaking in lockstep.
        source.samples = np.roll(
            source.samples, -int(index * source.samples.size / max(1, len(sites)))
        )
        pipelines.append(SitePipeline(common, settings, source, "bench-listening", microphones))
    try:
        for pipeline in pipelines:
            await pipeline.start()
        problems = await asyncio.gather(*(p.wait_ready(30.0) for p in pipelines))
        if any(problems):
            raise RuntimeError(f"sites not ready: {[p for p in problems if p][:3]}")
        dropped_before = dropped_chunks()
        before = await asyncio.to_thread(Snapshot.take, stack)
        await asyncio.gather(*(p.capture() for p in pipelines))
        after = await asyncio.to_thread(Snapshot.take, stack)
        dropped_after = dropped_chunks()
    finally:
        await asyncio.gather(*(p.close() for p in pipelines), return_exceptions=True)
    wall = after.wall - before.wall
    dropped = {
        reason: n - dropped_before.get(reason, 0.0)
        for reason, n in dropped_after.items()
        if n - dropped_before.get(reason, 0.0) > 0
    }
    hop = histogram(after.wake, "hearth_hop_latency_seconds", hop="audio_to_wake").minus(
        histogram(before.wake, "hearth_hop_latency_seconds", hop="audio_to_wake")
    )
    inference = histogram(
        after.wake, "hearth_stage_duration_seconds", service="wake", stage="inference"
    ).minus(
        histogram(before.wake, "hearth_stage_duration_seconds", service="wake", stage="inference")
    )
    return {
        "wall_s": wall,
        "wake_cpu_s": cpu_seconds(after.wake) - cpu_seconds(before.wake),
        "policy_cpu_s": cpu_seconds(after.policy) - cpu_seconds(before.policy),
        "audio_cpu_s": after.own_cpu - before.own_cpu,
        "dropped_chunks": dropped,
        "chunks_to_wake": hop.count,
        "audio_to_wake_s": {"p50": hop.quantile(0.5), "p99": hop.quantile(0.99), "mean": hop.mean},
        "wake_inference_s": {
            "p50": inference.quantile(0.5),
            "p99": inference.quantile(0.99),
            "mean": inference.mean,
        },
        "false_wakes": sum(len(p.report.detections) for p in pipelines),
    }


def per_site(
    result: dict[str, Any], idle: dict[str, float], sites: int, audio_s: float
) -> dict[str, Any]:
    """% of one core per site: wake and policy with their idle cost subtracted, plus the in-process audio side."""
    wall = result["wall_s"]
    wake_pct = 100 * result["wake_cpu_s"] / wall
    policy_pct = 100 * result["policy_cpu_s"] / wall
    audio_pct = 100 * result["audio_cpu_s"] / wall
    wake_marginal = max(0.0, wake_pct - idle["wake_core_pct"])
    policy_marginal = max(0.0, policy_pct - idle["policy_core_pct"])
    return {
        "sites": sites,
        "audio_s": audio_s,
        **result,
        "wake_core_pct": wake_pct,
        "policy_core_pct": policy_pct,
        "audio_core_pct": audio_pct,
        "per_site_wake_pct": wake_marginal / sites,
        "per_site_policy_pct": policy_marginal / sites,
        "per_site_audio_pct": audio_pct / sites,
        "per_site_total_pct": (wake_marginal + policy_marginal + audio_pct) / sites,
        "playback_lag_s": wall - audio_s,
        "chunks_expected": int(audio_s * 50) * sites,
    }


def print_report(idle: dict[str, float], rows: list[dict[str, Any]]) -> None:
    print(
        f"\nidle (no site streaming, {idle['seconds']:.0f} s): wake {idle['wake_core_pct']:.1f} % of a core, policy {idle['policy_core_pct']:.1f} %"
    )
    print(
        f"\n{'sites':>5} {'wall s':>7} {'wake %':>7} {'policy %':>8} {'audio %':>8} │ {'per site: wake':>14} {'policy':>7} {'audio':>7} {'total':>7} │ "
        f"{'chunks→wake':>11} {'dropped':>8} {'a→w p50/p99 ms':>15} {'false wakes':>11}"
    )
    for r in rows:
        dropped = int(sum(r["dropped_chunks"].values()))
        hop = f"{ms(r['audio_to_wake_s']['p50'])}/{ms(r['audio_to_wake_s']['p99'])}"
        print(
            f"{r['sites']:>5} {r['wall_s']:>7.1f} {r['wake_core_pct']:>7.1f} {r['policy_core_pct']:>8.1f} {r['audio_core_pct']:>8.1f} │ "
            f"{r['per_site_wake_pct']:>13.2f}% {r['per_site_policy_pct']:>6.2f}% {r['per_site_audio_pct']:>6.2f}% {r['per_site_total_pct']:>6.2f}% │ "
            f"{r['chunks_to_wake']:>5.0f}/{r['chunks_expected']:<5} {dropped:>8} {hop:>15} {r['false_wakes']:>11}"
        )
        if r["dropped_chunks"]:
            print(f"      dropped by reason: {r['dropped_chunks']}")
    print(
        "\n(% = % of one core over the playback; per-site wake and policy figures have their idle cost subtracted;"
    )
    print(
        " 'audio' is this process: K SitePipelines on one event loop; target < 5 % of one core per site, no dropped chunks)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=60.0,
        help="seconds of audio each site streams (default 60)",
    )
    parser.add_argument(
        "--sites",
        default="1,20",
        help="site counts to measure, comma-separated, at most 20 (default 1,20)",
    )
    parser.add_argument(
        "--json", type=Path, metavar="FILE", help="write the figures to FILE as JSON"
    )
    args = parser.parse_args(argv)
    counts = [int(k) for k in args.sites.split(",")]
    if any(k < 1 or k > len(SITES) for k in counts):
        parser.error(f"site counts must be between 1 and {len(SITES)}")

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "speech").mkdir()
        print(f"synthesizing {args.seconds:.0f} s of talk without the wake word …", flush=True)
        wav = speech_without_wake_word(tmp / "speech", args.seconds)
        config = stack_config(
            tmp, stt={"engine": "pocketsphinx", "language": "en"}, audio={"site": SITES[0]}
        )
        config["sites"] = list(
            SITES
        )  # stack_config merges mappings only; the audio service above must name a configured site
        print("starting the stack with 20 sites …", flush=True)
        stack = start_stack(tmp, config)
        try:
            assert yaml.safe_load(stack.config_path.read_text())["sites"] == list(SITES)
            print(f"measuring idle cost for {IDLE_S:.0f} s …", flush=True)
            idle = measure_idle(stack, IDLE_S)
            rows = []
            for k in counts:
                print(f"streaming {args.seconds:.0f} s from {k} site(s) …", flush=True)
                result = asyncio.run(stream_sites(stack, wav, SITES[:k]))
                rows.append(per_site(result, idle, k, args.seconds))
        finally:
            stack.stop()

    print_report(idle, rows)
    total = time.monotonic() - began
    print(f"\nbenchmark took {total:.0f} s")
    if args.json:
        write_figures(
            args.json,
            "listening_cpu",
            idle=idle,
            rows=rows,
            target_cpu_per_site_pct=TARGET_CPU_PER_SITE_PCT,
            took_s=total,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
