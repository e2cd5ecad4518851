"""`hearth wake train "PHRASE"`: train a wake-word model offline from synthesized speech;
`hearth wake enroll SAMPLE.wav... | --record N`: fine-tune a model on the owner's own voice.

The package's one command line: it reaches `hearth` through the `hearth.commands` entry point
(installed with the `wake-train` extra). This module is loaded for every `hearth` command, so it
imports the training code only when a wake command runs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from hearth import extras
from hearth.cli.commands import Command

EXTRA = "wake-train"
"""The pip extra that brings what training needs (the wake engine's dependencies)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="wake_command", required=True)
    train = sub.add_parser(
        "train", help="train a model for a wake phrase (offline, synthesized voices)"
    )
    train.add_argument("phrase", help='the wake phrase, e.g. "hey hestia"')
    train.add_argument("--output", type=Path, help="model file to write (default: <phrase>.npz)")
    train.add_argument("--seed", type=int, default=0, help="same seed, same model")
    train.add_argument(
        "--profile",
        choices=("default", "small", "tiny"),
        default="default",
        help="`small` has a third of the clips; `tiny` is a quick smoke run",
    )
    train.add_argument("--workers", type=int, default=1, help="parallel synthesis workers")
    train.add_argument(
        "--families",
        default=None,
        help="voice families to train on, comma-separated: espeak, piper, festival, flite "
        "(default: all of them; recipe 2 uses espeak alone)",
    )
    train.add_argument(
        "--recipe",
        choices=("2", "3"),
        default="3",
        help="3: several voice families (default); 2: espeak-ng only, the shipped model's",
    )
    enroll = sub.add_parser(
        "enroll",
        help="fine-tune a wake model on 3-10 recordings of your own voice saying the phrase",
    )
    enroll.add_argument(
        "samples", nargs="*", type=Path, help="WAV files, each the wake phrase alone (16-bit PCM)"
    )
    enroll.add_argument(
        "--record",
        type=int,
        metavar="N",
        help="record N takes (3-10) with the microphone command in the config (audio.mic_command)",
    )
    enroll.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="with --record: keep the takes in DIR (default: deleted when enrollment ends)",
    )
    enroll.add_argument(
        "--output", type=Path, required=True, help="model file to write; point wake.model at it"
    )
    enroll.add_argument(
        "--model", type=Path, help="model to start from (default: the shipped hey hestia)"
    )
    enroll.add_argument("--seed", type=int, default=0, help="same seed and samples, same model")
    enroll.add_argument(
        "--profile",
        choices=("default", "quick"),
        default="default",
        help="`quick` renders fewer checks (under a minute)",
    )
    enroll.add_argument("--workers", type=int, default=1, help="parallel synthesis workers")


def run(args: argparse.Namespace) -> int:
    absent = extras.missing(EXTRA)
    if absent:
        print(
            f"hearth wake {args.wake_command} needs the wake-word training extra: "
            f"{extras.install_hint(EXTRA, absent)}",
            file=sys.stderr,
        )
        return 2
    if args.wake_command == "enroll":
        return _enroll(args)
    from hearth.espeak import SynthesisError
    from hearth_wake_train import train_model
    from hearth_wake_train.families import ALL_FAMILIES, parse_families

    try:
        default = ("espeak",) if args.recipe == "2" else ALL_FAMILIES
        voice_families = parse_families(args.families) if args.families else default
    except ValueError as exc:
        print(f"hearth wake train: {exc}", file=sys.stderr)
        return 2
    output = args.output or Path(args.phrase.strip().lower().replace(" ", "_") + ".npz")
    try:
        report = train_model(
            args.phrase,
            output,
            seed=args.seed,
            profile=args.profile,
            progress=True,
            workers=args.workers,
            voice_families=voice_families,
            recipe=args.recipe,
        )
    except (SynthesisError, ValueError) as exc:
        print(f"hearth wake train: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {output}")
    print(report)
    return 0


def _enroll(args: argparse.Namespace) -> int:
    from hearth.espeak import SynthesisError
    from hearth_wake.engines import WakeModelError
    from hearth_wake_train.enroll import EnrollmentError, enroll

    if args.samples and args.record is not None:
        print(
            "hearth wake enroll: give either recordings (WAV files) or --record N, not both",
            file=sys.stderr,
        )
        return 2
    if not args.samples and args.record is None:
        print(
            "hearth wake enroll: give 3-10 recordings (WAV files) of the phrase, "
            "or --record N to record them",
            file=sys.stderr,
        )
        return 2
    try:
        with tempfile.TemporaryDirectory(prefix="hearth-enroll-") as private:
            samples = list(args.samples) or _record(args, args.keep or Path(private))
            report = enroll(
                samples,
                args.output,
                base_model=args.model,
                seed=args.seed,
                profile=args.profile,
                progress=True,
                workers=args.workers,
            )
    except (EnrollmentError, WakeModelError, SynthesisError) as exc:
        print(f"hearth wake enroll: {exc}", file=sys.stderr)
        return 2
    print(report.table())
    print(f"wrote {args.output} ({report.seconds:.0f} s)")
    if report.after.recorded_detected <= report.before.recorded_detected:
        print(
            "enrollment did not improve detection of your recordings; record them again closer to "
            "the microphone, in the room you will use, and keep the old model."
        )
    lost = report.before.others_detected - report.after.others_detected
    if lost > 0:
        print(
            f"note: other voices are heard less well ({report.before.others_detected} -> "
            f"{report.after.others_detected} of {report.after.others_total} synthetic clips); "
            "in a shared household, compare both models before switching."
        )
    print(f"to use it, set in your config:  wake: {{model: {args.output.resolve()}}}")
    return 0


def _record(args: argparse.Namespace, directory: Path) -> list[Path]:
    """The owner's takes, recorded with the same microphone command the audio service uses."""
    from hearth_wake.engines.embedding import DEFAULT_MODEL
    from hearth_wake.engines.wake_model import load_classifier
    from hearth_wake_train.enroll import MAX_SAMPLES, MIN_SAMPLES, EnrollmentError
    from hearth_wake_train.record import Microphone, configured_mic_command, record_takes

    if not MIN_SAMPLES <= args.record <= MAX_SAMPLES:
        raise EnrollmentError(
            f"--record takes {MIN_SAMPLES} to {MAX_SAMPLES} recordings, got {args.record}."
        )
    mic_command = configured_mic_command(args.config)
    phrase = load_classifier(args.model or DEFAULT_MODEL).phrase
    print(
        f"Recording {args.record} takes with {' '.join(mic_command)}. "
        f'Say "{phrase}" once per take, as you would to Hearth, from where you usually stand.'
    )
    return record_takes(Microphone(mic_command), args.record, directory, phrase)


WAKE = Command("wake", "wake words: train a model, enroll your voice", add_arguments, run)
