"""`hearth listen SITE`: open a session at a site without a wake word, as a talk button would.

Policy authorises it like any other session (a muted or unknown site refuses) and hands it to the
site's audio service, which holds the microphone; this command never sees the audio or the token.
"""

from __future__ import annotations

import argparse
import sys

from hearth.cli.policy_client import PolicyUnavailable, call, fail
from hearth.v1 import policy_pb2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", help="the site (room) whose microphone should listen")
    parser.add_argument(
        "--timeout",
        type=float,
        help="how long to wait for policy and the site's microphone (default: rpc_timeout_s)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        reply: policy_pb2.ListenReply = call(
            args,
            lambda stub, common: stub.Listen(
                policy_pb2.ListenRequest(site=args.site, requested_by="cli"),
                timeout=args.timeout or common.rpc_timeout_s,
            ),
        )
    except PolicyUnavailable as exc:
        return fail(exc)
    if not reply.started:
        print(f"hearth listen: {args.site}: session refused: {reply.reason}", file=sys.stderr)
        return 2
    print(
        f"{args.site}: listening for up to {reply.max_length_s:.0f} s "
        f"(session {reply.session_id}, trace {reply.trace_id})"
    )
    return 0
