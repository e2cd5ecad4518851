"""Talking to policy from the command line: settings from the same config the services use,
and policy's own words when it refuses."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

import grpc

from hearth import identity, rpc, topics
from hearth.service import ServiceSection
from hearth.settings import CommonSettings, SettingsError, load_settings
from hearth.v1 import policy_pb2_grpc

T = TypeVar("T")


class PolicyUnavailable(Exception):
    """Said to the user as is; the command exits 2."""


def call(
    args: argparse.Namespace,
    request: Callable[[policy_pb2_grpc.PolicyStub, CommonSettings], Awaitable[T]],
) -> T:
    try:
        common, _ = load_settings(None, ServiceSection, args.config)
    except SettingsError as exc:
        raise PolicyUnavailable(str(exc)) from exc
    return asyncio.run(_call(common, request))


async def _call(
    common: CommonSettings,
    request: Callable[[policy_pb2_grpc.PolicyStub, CommonSettings], Awaitable[T]],
) -> T:
    owner = identity.resolve(common, topics.ADMIN)
    try:
        owner.check()
    except identity.IdentityError as exc:
        raise PolicyUnavailable(str(exc)) from exc
    async with rpc.open_channel(
        common.endpoints.policy, common.grpc_max_message_bytes, owner
    ) as channel:
        try:
            return await request(policy_pb2_grpc.PolicyStub(channel), common)
        except grpc.aio.AioRpcError as exc:
            raise PolicyUnavailable(
                f"policy at {common.endpoints.policy} said: {exc.details() or exc.code().name}"
            ) from exc


def fail(exc: PolicyUnavailable) -> int:
    print(f"hearth: {exc}", file=sys.stderr)
    return 2
