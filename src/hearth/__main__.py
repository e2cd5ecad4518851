"""The `hearth` command: `python -m hearth` works the same."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from hearth import __version__


def build_parser() -> argparse.ArgumentParser:
    from hearth.cli import models, mute, privacy, run_file, up, wake

    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth: a local, privacy-first voice assistant"
    )
    parser.add_argument("--version", action="version", version=f"hearth {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        help="YAML settings file (default: $HEARTH_CONFIG, else built-in defaults)",
    )
    # Also accepted after the subcommand (`hearth up --config FILE`); SUPPRESS keeps the global value otherwise.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="YAML settings file")
    sub = parser.add_subparsers(dest="command", required=True)
    up.add_arguments(sub.add_parser("up", parents=[common], help="run the whole assistant locally"))
    run_file.add_arguments(
        sub.add_parser(
            "run-file",
            parents=[common],
            help="play a WAV through the running stack and print the events",
        )
    )
    mute.add_arguments(
        sub.add_parser("mute", parents=[common], help="mute a site: its microphone is closed")
    )
    mute.add_arguments(sub.add_parser("unmute", parents=[common], help="unmute a site"))
    sub.add_parser("sites", parents=[common], help="list sites and whether they are muted")
    privacy.add_arguments(
        sub.add_parser(
            "privacy", parents=[common], help="what is kept: report, export, forget, verify"
        )
    )
    models.add_arguments(
        sub.add_parser("models", parents=[common], help="speech models: list, pull")
    )
    wake.add_arguments(sub.add_parser("wake", parents=[common], help="wake words: train"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from hearth.cli import models, mute, privacy, run_file, up, wake

    if args.command == "up":
        return up.run(args)
    if args.command == "run-file":
        return run_file.run(args)
    if args.command in ("mute", "unmute"):
        return mute.run(args, muted=args.command == "mute")
    if args.command == "sites":
        return mute.run_sites(args)
    if args.command == "privacy":
        return privacy.run(args)
    if args.command == "models":
        return models.run(args)
    if args.command == "wake":
        return wake.run(args)
    return 2


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
