"""`hearth wake train "PHRASE"`: train a wake-word model offline from synthesized speech."""

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


def run(args: argparse.Namespace) -> int:
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
