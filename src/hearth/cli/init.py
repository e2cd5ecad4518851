"""`hearth init`: make this home's secrets — its certificate authority, a certificate and a broker
password per service, the owner and each satellite, the broker's password file and ACL, the
session-token and audit keys, Grafana's admin password. Safe to run again: nothing that exists is
overwritten, so a second run changes nothing, and `--satellite SITE` adds only that satellite."""

from __future__ import annotations

import argparse
import re
import sys

from hearth import identity
from hearth.service import ServiceSection
from hearth.settings import SITE_NAME_PATTERN, SettingsError, load_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--satellite",
        action="append",
        default=[],
        metavar="SITE",
        help="also make the identity of a satellite serving SITE (repeatable)",
    )
    parser.add_argument(
        "--host",
        action="append",
        default=[],
        metavar="NAME",
        help="a further host name or address the base is reached by from satellites (repeatable; "
        "only certificates made in this run carry it)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        common, _ = load_settings(None, ServiceSection, args.config)
    except SettingsError as exc:
        print(f"hearth init: {exc}", file=sys.stderr)
        return 2
    for site in args.satellite:
        if not re.match(SITE_NAME_PATTERN, site):
            print(f"hearth init: {site!r} is not a site name", file=sys.stderr)
            return 2
        if site not in common.sites:
            print(
                f"hearth init: note: {site!r} is not in the configured sites "
                f"({', '.join(common.sites)}); add it, or its satellite will be refused",
                file=sys.stderr,
            )
    try:
        report = identity.ensure_secrets(common.secrets_path, args.satellite, args.host)
    except (identity.IdentityError, OSError) as exc:
        print(f"hearth init: {exc}", file=sys.stderr)
        return 2
    if not report.written:
        print(f"hearth init: {common.secrets_path} is complete; nothing changed")
        return 0
    print(f"hearth init: wrote {len(report.written)} files in {common.secrets_path}:")
    for path in report.written:
        print(f"  {path.relative_to(common.secrets_path)}")
    return 0
