"""Leave one voice family out: how the wake word treats a synthesizer it has never heard.

Run: `python bench/wake_lofo.py [--families espeak,festival,piper,flite] [--profile small]
[--seed 0] [--workers 2] [--voices 8] [--negative-hours 0.5] [--model FAMILY=PATH ...]
[--second-stage [--save-checks DIR]] [--json FILE]`

For each family F:

- a model is trained by the recipe (`hearth_wake_train.train_model`, the profile given) on every
  other family, or taken from `--model F=PATH` (e.g. the shipped model, which never heard flite);
- positives: "hey hestia" alone and before a command, by `--voices` pseudo-speakers of F, each in
  every standard condition (clean, noisy, reverberant, fast, slow, far: hearth_voices);
- negatives: `--negative-hours` of F's speech with pauses: everyday talk, commands and
  sound-alikes (half the recipe's own, half ones it never trains on), each utterance in a random
  room, noise and microphone;
- everything goes through the real ``EmbeddingEngine`` in 20 ms chunks, with the model's own
  threshold and frames-in-a-row rule, and every frame's logit is kept, so one pass also gives the
  best detection within 0.5 false accepts per hour.

Reported per family: detection and false accepts per hour at the calibrated threshold and at
sensitivity 0.75, the best detection within the false-accept target, the wake latency (end of the
phrase to the detection, in audio time, for the phrase alone) and CPU per listening site.
Deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from wake_accuracy import (
    PHRASE,
    REFRACTORY_FRAMES,
    REFRACTORY_S,
    RecordingClassifier,
    Streamer,
    best_at_target,
    fast_activations,
    logit,
    progress,
    under_rule,
)

from hearth.pcm import SAMPLE_RATE
from hearth_voices import STANDARD_CONDITIONS, apply, sample_conditions, sample_voices, speak
from hearth_voices import Voice as FamilyVoice
from hearth_voices.audio import TRIM_MARGIN_S
from hearth_voices.festival_family import VOICES as FESTIVAL_SPEAKERS
from hearth_voices.festival_family import FestivalSettings
from hearth_wake.engines.embedding import (
    EmbeddingEngine,
    checked_first_stage_logit,
    threshold_for,
)
from hearth_wake.engines.speech_embedding import HOP_SAMPLES
from hearth_wake.whisper_check import (
    TAIL_S,
    WINDOW_SAMPLES,
    Verdict,
    WhisperCheckOptions,
    WhisperVerifier,
)
from hearth_wake_train import texts, train_model
from hearth_wake_train.evaluate import in_a_row
from hearth_wake_train.families import ALL_FAMILIES, parse_families

TEST_SEED_OFFSET = 1000
"""Test speakers come from seeds no training run uses (the recipe draws from its own seed)."""
NEGATIVE_STREAM_S = 300.0


def load_check(encoder_window_s: float, sensitivity: float = 0.5) -> WhisperVerifier:
    """The wake service's Whisper check on whisper-base, from the models directory the quick
    start fills."""
    from hearth.models import resolve_whisper_model

    directory = resolve_whisper_model(
        "whisper-base", None, Path("~/.local/share/hearth").expanduser()
    )
    options = WhisperCheckOptions(
        model_dir=directory, sensitivity=sensitivity, encoder_window_s=encoder_window_s
    )
    return WhisperVerifier.load(options, [PHRASE])


class SecondStage:
    """The wake service's own check (`wake.verify: whisper`, hearth_wake.whisper_check), fed
    exactly what the service feeds it: the audio up to its tail after the first stage fired."""

    def __init__(self, encoder_window_s: float) -> None:
        self._verifier = load_check(encoder_window_s)
        self.seconds: list[float] = []
        self.heard: list[str] = []
        self.kept: list[KeptCheck] | None = None  # every check, when --save-checks asks

    def confirms(self, audio: np.ndarray, end_sample: int, positive: bool, sure: bool) -> bool:
        began = time.monotonic()
        tail = int(self._verifier.tail_s * SAMPLE_RATE)
        verdict = self._verifier.judge(PHRASE, audio[: end_sample + tail])
        self.seconds.append(time.monotonic() - began)
        self.heard.append(verdict.heard)
        if self.kept is not None:
            window = audio[: end_sample + tail][-WINDOW_SAMPLES:]
            self.kept.append(KeptCheck(window.copy(), positive, sure, verdict))
        return verdict.confirmed


@dataclass(frozen=True)
class KeptCheck:
    """One window the second stage judged, kept so that a change to the check can be replayed on
    exactly these windows (bench/wake_check_replay.py) without running the first stage again."""

    window: np.ndarray = field(repr=False)
    positive: bool
    sure: bool  # the first stage was sure of it: the service lets it out unchecked
    verdict: Verdict


def save_checks(
    path: Path, kept: list[KeptCheck], row: dict[str, Any], model: Path, seed: int
) -> None:
    """The family's checked windows with what the check said, and the denominators: every
    positive trial (fired or not) and the hours of talk. A window shorter than the check's (a
    phrase early in its trial) is kept with its own length, since padding it would change what
    Whisper hears."""
    windows = np.zeros((len(kept), WINDOW_SAMPLES), dtype=np.int16)
    for number, check in enumerate(kept):
        windows[number, WINDOW_SAMPLES - check.window.size :] = check.window
    scores = [(k.verdict.phrase_score, k.verdict.heard_score) for k in kept]
    np.savez_compressed(
        path,
        windows=windows,
        lengths=np.array([k.window.size for k in kept], dtype=np.int64),
        positive=np.array([k.positive for k in kept], dtype=bool),
        sure=np.array([k.sure for k in kept], dtype=bool),
        confirmed=np.array([k.verdict.confirmed for k in kept], dtype=bool),
        heard=np.array([k.verdict.heard for k in kept], dtype=str),
        scores=np.array([[np.nan if x is None else x for x in pair] for pair in scores]),
        positives=row["positives"],
        negative_hours=row["negative_hours"],
        first_stage_logit=row["pair_first_stage_logit"],
        family=row["family"],
        model=str(model),
        seed=seed,
    )


def sure_between(rule_logits: np.ndarray, cut: float, frames: int, start: int, end: int) -> bool:
    """Whether the rule passes ``cut`` in a window that ends within [start, end] samples: what
    the engine's ``sure_of`` answers (the calibrated threshold reached after a sensitive hit)."""
    ends = (np.arange(rule_logits.size) + frames) * HOP_SAMPLES
    inside = (ends >= start) & (ends <= end)
    return bool(np.any(rule_logits[inside] >= cut))


def end_of_speech(audio: np.ndarray, detected_at: int) -> int:
    """The sample where stt's endpointer (default settings) ends the command, for a session that
    starts at a detection at ``detected_at`` with the audio service's default pre-roll."""
    from hearth_audio.settings import AudioSettings
    from hearth_stt.engines.endpointer import VadEndpointer
    from hearth_stt.settings import SttSettings

    preroll = int(AudioSettings().preroll_s * SAMPLE_RATE)
    start = max(0, detected_at - preroll)
    lead_in_s = (detected_at - start) / SAMPLE_RATE
    endpointer = VadEndpointer(SttSettings().end_silence_s, lead_in_s=lead_in_s)
    chunk = SAMPLE_RATE // 50  # the audio service's 20 ms chunks
    for at in range(start, audio.size, chunk):
        if endpointer.feed(audio[at : at + chunk].astype("<i2").tobytes()):
            return at + chunk
    return audio.size


def activations(rule_logits: np.ndarray, cut: float, frames: int) -> list[int]:
    """End samples where the engine would fire at ``cut`` (refractory included): a value of the
    frames-in-a-row series at index j is the window that ends with frame j + frames - 1."""
    above = np.flatnonzero(rule_logits >= cut)
    ends, quiet_until = [], -1
    for index in above:
        if index >= quiet_until:
            ends.append(int(index + frames) * HOP_SAMPLES)
            quiet_until = int(index) + REFRACTORY_FRAMES
    return ends


@dataclass(frozen=True)
class Positive:
    audio: np.ndarray = field(repr=False)
    speech_start: int
    phrase_end: int  # for the phrase alone; -1 before a command (its end is not measured)
    condition: str
    voice: str


def test_voices(family: str, count: int, seed: int) -> list[FamilyVoice]:
    """``count`` speakers of the family; Festival's alternate between its two speakers."""
    voices = sample_voices(family, count, seed=seed + TEST_SEED_OFFSET)
    return [
        replace(v, settings=replace(v.settings, voice=FESTIVAL_SPEAKERS[i % 2]))
        if isinstance(v.settings, FestivalSettings)
        else v
        for i, v in enumerate(voices)
    ]


def positives(family: str, count: int, seed: int) -> list[Positive]:
    out = []
    for number, voice in enumerate(test_voices(family, count, seed)):
        rng = np.random.default_rng([seed, 11, number])
        for form in ("alone", "command"):
            text = PHRASE if form == "alone" else f"{PHRASE}, {texts.command(rng)}"
            dry = speak(text, voice)
            for condition in STANDARD_CONDITIONS:
                heard = apply(dry, condition, seed=seed + number).astype(np.float32)
                lead = int(rng.uniform(0.5, 1.5) * SAMPLE_RATE)
                tail = int(rng.uniform(1.0, 1.5) * SAMPLE_RATE)
                track = np.concatenate([np.zeros(lead), heard, np.zeros(tail)])
                track += rng.normal(0.0, 3.0, track.size)  # a microphone's noise floor
                spoken = dry.size - int(TRIM_MARGIN_S * SAMPLE_RATE)  # speak() keeps a margin
                end = lead + int(round(spoken / condition.tempo)) if form == "alone" else -1
                audio = np.clip(np.round(track), -32768, 32767).astype(np.int16)
                out.append(Positive(audio, lead, end, condition.name, voice.name))
    return out


def negative_stream(family: str, seed: int, index: int, seconds: float) -> np.ndarray:
    """``seconds`` of the family talking: no wake phrase, sound-alikes included."""
    rng = np.random.default_rng([seed, 12, index])
    voices = test_voices(family, 6, seed + 500 + index)
    conditions = sample_conditions(24, seed=seed * 1000 + index)
    recipe_alikes = texts.confusables(PHRASE)
    pieces, total, previous = [], 0, ""
    while total < seconds * SAMPLE_RATE:
        for _ in range(20):
            roll = rng.random()
            if roll < 0.15:
                text = recipe_alikes[int(rng.integers(len(recipe_alikes)))]
            elif roll < 0.3:
                held = texts.HELD_OUT_CONFUSABLES_HEY_HESTIA
                text = held[int(rng.integers(len(held)))]
            elif roll < 0.5:
                text = texts.command(rng)
            else:
                text = texts.everyday(rng)
            if not texts.mentions(text, PHRASE) and not texts.mentions(
                f"{previous} {text}", PHRASE
            ):
                break
        previous = text
        voice = voices[int(rng.integers(len(voices)))]
        condition = conditions[int(rng.integers(len(conditions)))]
        heard = apply(speak(text, voice), condition, seed=int(rng.integers(8)))
        gap = np.zeros(int(rng.uniform(0.3, 2.5) * SAMPLE_RATE), dtype=np.int16)
        pieces += [heard, gap]
        total += heard.size + gap.size
    audio = np.concatenate(pieces)[: int(seconds * SAMPLE_RATE)].astype(np.float32)
    audio += rng.normal(0.0, 3.0, audio.size)
    return np.clip(np.round(audio), -32768, 32767).astype(np.int16)


def model_for(
    family: str, args: argparse.Namespace, given: dict[str, Path], workdir: Path
) -> tuple[Path, str]:
    if family in given:
        return given[family], "given"
    trained_on = tuple(f for f in ALL_FAMILIES if f != family)
    path = workdir / f"without-{family}.npz"
    progress(f"training without {family} ({','.join(trained_on)}), profile {args.profile}")
    report = train_model(
        PHRASE,
        path,
        seed=args.seed,
        profile=args.profile,
        progress=False,
        workers=args.workers,
        voice_families=trained_on,
    )
    progress(f"trained in {report.seconds:.0f} s, threshold logit {logit(report.threshold):.1f}")
    return path, ",".join(trained_on)


def measure(
    family: str, model: Path, args: argparse.Namespace, second_stage: SecondStage | None
) -> dict[str, Any]:
    engine = EmbeddingEngine.load(model, refractory_s=REFRACTORY_S, threads=1)
    recorder = RecordingClassifier(engine.classifier)
    engine.classifier = recorder  # type: ignore[assignment]  # records logits; scores unchanged
    streamer = Streamer(engine, recorder)
    trials = positives(family, args.voices, args.seed)
    rule = engine.frames_in_a_row
    first_cut = args.second_stage_logit
    if first_cut is None:  # the service's
        first_cut = checked_first_stage_logit(engine.classifier)
    pair_detected, pair_fas = [], 0
    # The service's rule: a detection the first stage is sure of (its calibrated threshold, at the
    # same sensitivity, reached within the check's tail) goes out unchecked.
    sure_cut = logit(engine.threshold)
    tail = int(TAIL_S * SAMPLE_RATE)
    served_detected, served_fas, sure_fas = [], 0, 0
    added_delays: list[int] = []  # samples the check held a command's intent back
    served_checks = 0  # checks the service would run on the negatives (sure ones are not checked)
    detected, after_start, latencies = [], [], []
    for trial in trials:
        hits, logits = streamer.run(trial.audio)
        ends = (np.arange(logits.size) + 1) * HOP_SAMPLES
        woke = [end for end in hits if end > trial.speech_start]
        detected.append(bool(woke))
        after_start.append(logits[ends > trial.speech_start])
        if woke and trial.phrase_end >= 0:
            latencies.append((woke[0] - trial.phrase_end) / SAMPLE_RATE * 1000.0)
        if second_stage is not None:
            rule_logits = in_a_row(logits, rule)
            fired = [
                end for end in activations(rule_logits, first_cut, rule) if end > trial.speech_start
            ]
            sure = bool(fired) and sure_between(
                rule_logits, sure_cut, rule, fired[0], fired[0] + tail
            )
            checked = bool(fired) and second_stage.confirms(trial.audio, fired[0], True, sure)
            pair_detected.append(checked)
            served_detected.append(checked or sure)
            if checked and not sure and trial.phrase_end < 0:  # a command waited for the check
                ready = fired[0] + tail + int(second_stage.seconds[-1] * SAMPLE_RATE)
                added_delays.append(max(0, ready - end_of_speech(trial.audio, fired[0])))
    progress(f"{family}: {sum(detected)}/{len(trials)} positives detected")
    negative_logits, engine_fas, remaining, index = [], 0, args.negative_hours * 3600.0, 0
    confirmed_by_mistake: list[str] = []  # what the second stage heard in negatives it let through
    while remaining > 1.0:
        seconds = min(NEGATIVE_STREAM_S, remaining)
        audio = negative_stream(family, args.seed, index, seconds)
        hits, logits = streamer.run(audio)
        negative_logits.append(logits)
        engine_fas += len(hits)
        if second_stage is not None:
            rule_logits = in_a_row(logits, rule)
            for end in activations(rule_logits, first_cut, rule):
                sure = sure_between(rule_logits, sure_cut, rule, end, end + tail)
                checked = second_stage.confirms(audio, end, False, sure)
                served_checks += not sure
                pair_fas += checked
                served_fas += checked or sure
                sure_fas += sure
                if checked:
                    confirmed_by_mistake.append(second_stage.heard[-1])
        remaining -= seconds
        index += 1
    hours = sum(x.size for x in negative_logits) * HOP_SAMPLES / SAMPLE_RATE / 3600.0
    best, negatives = under_rule(after_start, negative_logits, engine.frames_in_a_row)
    at_target, _ = best_at_target(best, negatives, hours)
    sensitive = logit(threshold_for(engine.threshold, 0.75))
    sensitive_fas = sum(fast_activations(x, sensitive, REFRACTORY_FRAMES) for x in negatives)
    by_condition: dict[str, list[int]] = {}
    for trial, hit in zip(trials, detected, strict=True):
        by_condition.setdefault(trial.condition, [0, 0])
        by_condition[trial.condition][0] += int(hit)
        by_condition[trial.condition][1] += 1
    pair: dict[str, Any] = {}
    if second_stage is not None:
        pair = {
            "pair_first_stage_logit": first_cut,
            "pair_detected": float(np.mean(pair_detected)),
            "pair_fa_per_hour": pair_fas / hours,
            "pair_false_accepts": pair_fas,
            "pair_false_accepts_heard": confirmed_by_mistake,
            "served_detected": float(np.mean(served_detected)),
            "checked_commands": len(added_delays),
            "checks_per_hour_of_talk": served_checks / hours,
            "added_delay_s_p50": float(np.median(added_delays)) / SAMPLE_RATE
            if added_delays
            else None,
            "added_delay_s_p95": float(np.percentile(added_delays, 95)) / SAMPLE_RATE
            if added_delays
            else None,
            "served_false_accepts": served_fas,
            "served_fa_per_hour": served_fas / hours,
            "sure_false_accepts": sure_fas,
            "check_s_p50": float(np.median(second_stage.seconds)),
            "check_s_p95": float(np.percentile(second_stage.seconds, 95)),
        }
        second_stage.seconds.clear()
    return pair | {
        "family": family,
        "positives": len(trials),
        "detected": float(np.mean(detected)),
        "negative_hours": hours,
        "false_accepts": engine_fas,
        "fa_per_hour": engine_fas / hours,
        "best_at_target": at_target,
        "sensitivity_0.75_detected": float(np.mean(best >= sensitive)),
        "sensitivity_0.75_fa_per_hour": sensitive_fas / hours,
        "latency_ms_p50": float(np.median(latencies)) if latencies else None,
        "latency_ms_p95": float(np.percentile(latencies, 95)) if latencies else None,
        "cpu_pct_of_core_per_site": 100.0 * streamer.cpu_s / streamer.audio_s,
        "by_condition": by_condition,
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--families", default=",".join(ALL_FAMILIES))
    parser.add_argument("--profile", default="small", choices=("default", "small", "tiny"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--voices", type=int, default=8, help="test speakers per family")
    parser.add_argument("--negative-hours", type=float, default=0.5, help="per family")
    parser.add_argument(
        "--model", action="append", default=[], metavar="FAMILY=PATH", help="skip training"
    )
    parser.add_argument(
        "--second-stage",
        action="store_true",
        help="also measure a Whisper check of each first-stage detection",
    )
    parser.add_argument(
        "--second-stage-logit",
        type=float,
        default=None,
        help="the first stage's logit threshold when the second stage checks it (default: the "
        "wake service's, the model's checked threshold)",
    )
    parser.add_argument(
        "--check-window-s",
        type=float,
        default=30.0,
        help="seconds of window Whisper's encoder reads in the second stage (default: 30, as the "
        "wake service; shorter costs less CPU)",
    )
    parser.add_argument(
        "--save-checks",
        type=Path,
        metavar="DIR",
        help="with --second-stage: keep every checked window, with the check's verdict, as "
        "DIR/<family>-seed<N>.npz, for bench/wake_check_replay.py",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.save_checks and not args.second_stage:
        parser.error("--save-checks needs --second-stage")
    return args


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    args = parse_args(argv)
    given = {k: Path(v) for k, v in (item.split("=", 1) for item in args.model)}
    results = []
    second_stage = SecondStage(args.check_window_s) if args.second_stage else None
    with tempfile.TemporaryDirectory(prefix="hearth-lofo-") as workdir:
        for family in parse_families(args.families):
            wall = time.monotonic()
            model, trained_on = model_for(family, args, given, Path(workdir))
            if second_stage is not None and args.save_checks:
                second_stage.kept = []
            row = measure(family, model, args, second_stage)
            if second_stage is not None and second_stage.kept is not None:
                args.save_checks.mkdir(parents=True, exist_ok=True)
                path = args.save_checks / f"{family}-seed{args.seed}.npz"
                save_checks(path, second_stage.kept, row, model, args.seed)
                progress(f"kept {len(second_stage.kept)} checked windows in {path}")
            row.update(trained_on=trained_on, model=str(model) if family in given else None)
            row["wall_s"] = round(time.monotonic() - wall)
            results.append(row)
            progress(json.dumps({k: v for k, v in row.items() if k != "by_condition"}))
    print(f"\nLeave one family out, profile {args.profile}, seed {args.seed}\n")
    print(
        "| held-out family | trained on | positives | detected (calibrated) | false accepts / h "
        "| best within 0.5 / h | sensitivity 0.75 (detected, / h) | latency p50 / p95 | CPU |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        latency = (
            f"{r['latency_ms_p50']:.0f} / {r['latency_ms_p95']:.0f} ms"
            if r["latency_ms_p50"] is not None
            else "-"
        )
        print(
            f"| {r['family']} | {r['trained_on']} | {r['positives']} | "
            f"{100 * r['detected']:.1f} % | {r['fa_per_hour']:.2f} ({r['false_accepts']} in "
            f"{r['negative_hours']:.2f} h) | {100 * r['best_at_target']:.1f} % | "
            f"{100 * r['sensitivity_0.75_detected']:.1f} %, {r['sensitivity_0.75_fa_per_hour']:.2f} "
            f"| {latency} | {r['cpu_pct_of_core_per_site']:.2f} % |"
        )
    if second_stage is not None:
        print(
            "\nWith a second stage (first stage at logit "
            + ", ".join(sorted({f"{r['pair_first_stage_logit']:.2f}" for r in results}))
            + ", Whisper base checks it; 'as served': what `wake.verify: whisper` does, a "
            "detection the first stage is sure of goes out unchecked)\n"
        )
        print(
            "| held-out family | all checked: detected | false accepts | as served: detected "
            "| false accepts (of them unchecked) | check p50 / p95 |"
        )
        print("| --- | --- | --- | --- | --- | --- |")
        for r in results:
            progress(
                f"{r['family']}: {r['checks_per_hour_of_talk']:.1f} checks an hour of talk; "
                + (
                    f"the check held back {r['checked_commands']} commands' intents by p50 "
                    f"{r['added_delay_s_p50']:.2f} s, p95 {r['added_delay_s_p95']:.2f} s"
                    if r["checked_commands"]
                    else "no command waited for a check"
                )
            )
            print(
                f"| {r['family']} | {100 * r['pair_detected']:.1f} % | "
                f"{r['pair_fa_per_hour']:.2f} / h ({r['pair_false_accepts']}) | "
                f"{100 * r['served_detected']:.1f} % | {r['served_fa_per_hour']:.2f} / h "
                f"({r['served_false_accepts']}, {r['sure_false_accepts']}) | "
                f"{r['check_s_p50']:.2f} / {r['check_s_p95']:.2f} s |"
            )
    for r in results:
        parts = ", ".join(f"{k} {h}/{n}" for k, (h, n) in r["by_condition"].items())
        print(f"{r['family']} detected by condition: {parts}")
    if args.json:
        payload: dict[str, Any] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "args": vars(args),
            "results": results,
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str))
    return results


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
