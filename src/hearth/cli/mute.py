"""`hearth mute SITE` / `hearth unmute SITE` / `hearth sites`: ask policy, the single authority
on mute."""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from hearth.cli.policy_client import PolicyUnavailable, call, fail
from hearth.v1 import policy_pb2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", help="the site (room) to change")


def run_mute(args: argparse.Namespace) -> int:
    return _set(args, muted=True)


def run_unmute(args: argparse.Namespace) -> int:
    return _set(args, muted=False)


def _set(args: argparse.Namespace, muted: bool) -> int:
    try:
        reply = call(
            args,
            lambda stub, common: stub.SetMute(
                policy_pb2.SetMuteRequest(site=args.site, muted=muted, changed_by="cli"),
                timeout=common.rpc_timeout_s,
            ),
        )
    except PolicyUnavailable as exc:
        return fail(exc)
    _show([reply])
    return 0


def run_sites(args: argparse.Namespace) -> int:
    try:
        reply = call(
            args,
            lambda stub, common: stub.ListSites(
                policy_pb2.ListSitesRequest(), timeout=common.rpc_timeout_s
            ),
        )
    except PolicyUnavailable as exc:
        return fail(exc)
    _show(reply.sites)
    return 0


def _show(states: Iterable[policy_pb2.MuteReply]) -> None:
    for state in states:
        print(f"{state.site:<14} {'muted' if state.muted else 'listening'}")
