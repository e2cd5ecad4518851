"""`hearth wake train "PHRASE"`: train a wake-word model offline from synthesized speech;
`hearth wake enroll SAMPLE.wav...`: fine-tune a model on the owner's own voice."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="wake_command", required=True)
    train = sub.add_parser("train", help="train a model for a wake phrase (offline, espeak-ng voices)")
    train.add_argument("phrase", help='the wake phrase, e.g. "hey hestia"')
    train.add_argument("--output", type=Path, help="model file to write (default: <phrase>.npz)")
    train.add_argument("--seed", type=int, default=0, help="same seed, same model")
    train.add_argument("--profile", choices=("default", "tiny"), default="default", help="`tiny` is a quick smoke run")
    train.add_argument("--workers", type=int, default=1, help="parallel synthesis workers")
    enroll = sub.add_parser("enroll", help="fine-tune a wake model on 3-10 recordings of your own voice saying the phrase")
    enroll.add_argument("samples", nargs="+", type=Path, help="WAV files, each the wake phrase alone (16-bit PCM)")
    enroll.add_argument("--output", type=Path, required=True, help="model file to write; point wake.model at it")
    enroll.add_argument("--model", type=Path, help="model to start from (default: the shipped hey hestia)")
    enroll.add_argument("--seed", type=int, default=0, help="same seed and samples, same model")
    enroll.add_argument("--profile", choices=("default", "quick"), default="default",
                        help="`quick` renders fewer checks (under a minute)")
    enroll.add_argument("--workers", type=int, default=1, help="parallel synthesis workers")


def run(args: argparse.Namespace) -> int:
    if args.wake_command == "enroll":
        return _enroll(args)
    try:
        from hearth_wake.training import train_model
    except ImportError:
        print("hearth wake train needs the wake service: pip install 'hearth[wake]'", file=sys.stderr)
        return 2
    output = args.output or Path(args.phrase.strip().lower().replace(" ", "_") + ".npz")
    report = train_model(args.phrase, output, seed=args.seed, profile=args.profile, progress=True, workers=args.workers)
    print(f"wrote {output}")
    print(report)
    return 0


def _enroll(args: argparse.Namespace) -> int:
    try:
        from hearth_wake.engines.base import WakeModelError
        from hearth_wake.training.enroll import EnrollmentError, enroll
        from hearth_wake.training.synth import SynthesisError
    except ImportError:
        print("hearth wake enroll needs the wake service: pip install 'hearth[wake]'", file=sys.stderr)
        return 2
    try:
        report = enroll(list(args.samples), args.output, base_model=args.model, seed=args.seed,
                        profile=args.profile, progress=True, workers=args.workers)
    except (EnrollmentError, WakeModelError, SynthesisError) as exc:
        print(f"hearth wake enroll: {exc}", file=sys.stderr)
        return 2
    print(report.table())
    print(f"wrote {args.output} ({report.seconds:.0f} s)")
    if report.after.recorded_detected <= report.before.recorded_detected:
        print("enrollment did not improve detection of your recordings; record them again closer to the "
              "microphone, in the room you will use, and keep the old model.")
    lost = report.before.others_detected - report.after.others_detected
    if lost > 0:
        print(f"note: other voices are heard less well ({report.before.others_detected} -> "
              f"{report.after.others_detected} of {report.after.others_total} synthetic clips); in a shared "
              "household, compare both models before switching.")
    print(f"to use it, set in your config:  wake: {{model: {args.output.resolve()}}}")
    return 0
