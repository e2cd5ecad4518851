"""The `hearth` subcommands: the base's own, and those services and packages add.

A service brings its commands the way engines are brought: an object in the `hearth.commands`
entry-point group (``run-file = hearth_audio.cli:RUN_FILE``). The base never imports a service, so
a machine that installs only some extras still gets a working `hearth`; a command whose package
cannot be imported is still listed, and says what to install when it is run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points

ENTRY_POINT_GROUP = "hearth.commands"


@dataclass(frozen=True)
class Command:
    """One `hearth NAME ...` subcommand."""

    name: str
    """What is typed after `hearth`."""
    help: str
    """One line for `hearth --help`."""
    add_arguments: Callable[[argparse.ArgumentParser], None]
    """Declares the command's arguments; must not import anything heavy (it runs for every
    command)."""
    run: Callable[[argparse.Namespace], int]
    """Does the work and returns the exit code; imports what it needs itself."""


def built_in() -> tuple[Command, ...]:
    from hearth.cli import init, listen, models, mute, privacy, say, up

    return (
        Command(
            "init",
            "make this home's keys, certificates and broker passwords (safe to run again)",
            init.add_arguments,
            init.run,
        ),
        Command("up", "run the whole assistant locally", up.add_arguments, up.run),
        Command("mute", "mute a site: its microphone is closed", mute.add_arguments, mute.run_mute),
        Command("unmute", "unmute a site", mute.add_arguments, mute.run_unmute),
        Command("sites", "list sites and whether they are muted", _no_arguments, mute.run_sites),
        Command(
            "listen",
            "open a session at a site without a wake word, as a talk button would",
            listen.add_arguments,
            listen.run,
        ),
        Command(
            "say",
            "speak at a site (an announcement) and say how it went",
            say.add_arguments,
            say.run,
        ),
        Command(
            "privacy",
            "what is kept: report, export, forget, verify",
            privacy.add_arguments,
            privacy.run,
        ),
        Command("models", "speech models: list, pull", models.add_arguments, models.run),
    )


def discovered() -> list[Command]:
    """Commands from the entry-point group; one that cannot be loaded says why when it is run."""
    found: list[Command] = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            command = entry.load()
        except ImportError as exc:
            found.append(_unavailable(entry.name, entry.value, exc))
            continue
        if not isinstance(command, Command) or command.name != entry.name:
            found.append(_unavailable(entry.name, entry.value, TypeError("not a matching Command")))
            continue
        found.append(command)
    return found


def all_commands() -> list[Command]:
    commands = list(built_in())
    names = {command.name for command in commands}
    for command in discovered():
        if command.name in names:
            print(f"hearth: ignoring a second command named {command.name!r}", file=sys.stderr)
            continue
        names.add(command.name)
        commands.append(command)
    return commands


def _no_arguments(_parser: argparse.ArgumentParser) -> None:
    """For commands that take none."""


def _unavailable(name: str, target: str, problem: Exception) -> Command:
    package = target.split(":", 1)[0].split(".", 1)[0]

    def run(_args: argparse.Namespace) -> int:
        print(
            f"hearth {name}: {package} cannot be loaded ({problem}); install the extra that "
            f"provides it, e.g. pip install 'hearth[all]'",
            file=sys.stderr,
        )
        return 2

    def accept_anything(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)

    return Command(name, f"(unavailable: {package} cannot be loaded)", accept_anything, run)
