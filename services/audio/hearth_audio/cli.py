"""The audio service's `hearth` commands, found through the `hearth.commands` entry-point group.

Kept light: the work is imported when a command runs, so `hearth --help` stays fast.
"""

from __future__ import annotations

import argparse

from hearth.cli.commands import Command


def _run_file_arguments(parser: argparse.ArgumentParser) -> None:
    from hearth_audio import run_file

    run_file.add_arguments(parser)


def _run_file(args: argparse.Namespace) -> int:
    from hearth_audio import run_file

    return run_file.run(args)


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", help="site to play the commands at (default: the first site)")


def _demo(args: argparse.Namespace) -> int:
    from hearth_audio import demo

    return demo.run(args)


RUN_FILE = Command(
    "run-file",
    "play a WAV through the running stack and print the events",
    _run_file_arguments,
    _run_file,
)
DEMO = Command(
    "demo",
    "speak a few synthesized commands through the running stack (what `hearth up --demo` does)",
    _demo_arguments,
    _demo,
)
