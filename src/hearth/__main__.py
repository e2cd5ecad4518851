"""The `hearth` command: `python -m hearth` works the same."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from hearth import __version__, private_files
from hearth.cli.commands import Command, all_commands


def build_parser(commands: Sequence[Command]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth", description="Hearth: a local, privacy-first voice assistant"
    )
    parser.add_argument("--version", action="version", version=f"hearth {__version__}")
    parser.add_argument(
        "--config",
        type=Path,
        help="YAML settings file (default: $HEARTH_CONFIG, else built-in defaults)",
    )
    # Also accepted after the subcommand (`hearth up --config FILE`); SUPPRESS keeps the global
    # value otherwise.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="YAML settings file")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in commands:
        command.add_arguments(sub.add_parser(command.name, parents=[common], help=command.help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    private_files.create_privately()  # what `hearth up` and its broker write is the owner's
    commands = {command.name: command for command in all_commands()}
    args = build_parser(list(commands.values())).parse_args(argv)
    return commands[args.command].run(args)


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
