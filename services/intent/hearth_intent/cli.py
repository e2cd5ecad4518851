"""The intent service's `hearth` commands (entry-point group `hearth.commands`): `hearth plugins
list` and `hearth plugins new NAME`.

Kept light: the work is imported when a command runs, so `hearth --help` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hearth.cli.commands import Command


def _arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "list", help="installed plugins: enabled, failing and why, their intents and sentences"
    )
    new = actions.add_parser("new", help="scaffold a plugin package that passes its own test")
    new.add_argument("name", help="the plugin's name (lowercase, e.g. shopping)")
    new.add_argument("--dir", type=Path, help="where to write it (default: ./hearth-NAME)")


def _run(args: argparse.Namespace) -> int:
    import sys

    from hearth import extras

    absent = extras.missing("intent")
    if absent:
        print(
            f"hearth plugins needs the intent service's extra: "
            f"{extras.install_hint('intent', absent)}",
            file=sys.stderr,
        )
        return 2
    if args.action == "new":
        return _new(args.name, args.dir)
    from hearth_intent import plugin_listing

    return plugin_listing.run(getattr(args, "config", None))


def _new(name: str, directory: Path | None) -> int:
    import sys

    from hearth_intent.plugin_scaffold import scaffold

    target = directory or Path(f"hearth-{name}")
    try:
        scaffold(name, target)
    except (ValueError, FileExistsError) as exc:
        print(f"hearth plugins new: {exc}", file=sys.stderr)
        return 2
    print(
        f"wrote plugin {name} in {target}\n"
        f"  pip install -e {target}            # Hearth finds it through its entry point\n"
        f"  python -m pytest {target}/tests    # its test passes as it is\n"
        f"  then enable it in hearth.yaml: intent.plugins.enabled (docs/plugins.md)"
    )
    return 0


PLUGINS = Command(
    "plugins", "intent plugins: list what is installed, scaffold a new one", _arguments, _run
)
