"""`hearth mute SITE` / `hearth unmute SITE` / `hearth sites`: ask policy, the single authority on mute."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

import grpc
from google.protobuf.message import Message

from hearth import rpc
from hearth.service import ServiceSection
from hearth.settings import SettingsError, load_settings
from hearth.v1 import policy_pb2, policy_pb2_grpc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", help="the site (room) to change")


def run(args: argparse.Namespace, muted: bool) -> int:
    return asyncio.run(_call(args, lambda stub, timeout: stub.SetMute(policy_pb2.SetMuteRequest(site=args.site, muted=muted, changed_by="cli"), timeout=timeout)))


def run_sites(args: argparse.Namespace) -> int:
    return asyncio.run(_call(args, lambda stub, timeout: stub.ListSites(policy_pb2.ListSitesRequest(), timeout=timeout)))


async def _call(args: argparse.Namespace, request: Callable[[policy_pb2_grpc.PolicyStub, float], Awaitable[Message]]) -> int:
    try:
        common, _ = load_settings(None, ServiceSection, args.config)
    except SettingsError as exc:
        print(f"hearth: {exc}", file=sys.stderr)
        return 2
    async with rpc.open_channel(common.endpoints.policy, common.grpc_max_message_bytes) as channel:
        try:
            reply = await request(policy_pb2_grpc.PolicyStub(channel), common.rpc_timeout_s)
        except grpc.aio.AioRpcError as exc:
            print(f"hearth: policy at {common.endpoints.policy} said: {exc.details() or exc.code().name}", file=sys.stderr)
            return 2
    for state in getattr(reply, "sites", [reply]):
        print(f"{state.site:<14} {'muted' if state.muted else 'listening'}")
    return 0
