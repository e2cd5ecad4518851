"""Who may call what: every RPC is authorised by the identity on the caller's certificate.

A caller without a certificate from the home's CA never gets this far: the TLS handshake refuses it
(the client sees UNAVAILABLE) before any method runs.

The rules are small and the same everywhere: the owner (`hearth`) may do anything; a service may
make the calls its job needs; a satellite may speak only for its own site. A refusal is one log
line (who, what, why: never the request's content), one count in `hearth_rpc_denied_total`, and
PERMISSION_DENIED (UNAUTHENTICATED without an identity) to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

import grpc

from hearth import metrics, rpc, topics
from hearth.broker_auth import satellite_site

log = logging.getLogger(__name__)


class Gate:
    """The authorisation check of one service's servicers."""

    def __init__(self, service: str) -> None:
        self.service = service

    async def caller(self, context: grpc.aio.ServicerContext, method: str) -> str:
        """Who calls: the identity on the certificate the TLS handshake verified."""
        caller = rpc.caller_identity(context)
        if caller is None:
            await self.deny(context, method, "unauthenticated", "no client identity")
            raise AssertionError("unreachable")  # abort raises
        return caller

    async def allow(
        self,
        context: grpc.aio.ServicerContext,
        method: str,
        identities: Collection[str] = (),
        site: str | None = None,
    ) -> str:
        """The caller's identity if it is the owner, one of `identities`, or (with `site`) that
        site's satellite; otherwise the call is aborted."""
        caller = await self.caller(context, method)
        if caller == topics.ADMIN or caller in identities:
            return caller
        if site is not None and satellite_site(caller) == site:
            return caller
        reason = "other_site" if site is not None and satellite_site(caller) else "not_allowed"
        await self.deny(context, method, reason, f"{caller} may not call {method}")
        raise AssertionError("unreachable")

    async def deny(
        self, context: grpc.aio.ServicerContext, method: str, reason: str, detail: str
    ) -> None:
        """Refuse the call: logged, counted, and the caller gets the reason."""
        log.warning("refused %s.%s: %s (%s)", self.service, method, detail, reason)
        metrics.RPC_DENIED.labels(self.service, method, reason).inc()
        code = (
            grpc.StatusCode.UNAUTHENTICATED
            if reason == "unauthenticated"
            else grpc.StatusCode.PERMISSION_DENIED
        )
        await context.abort(code, f"{method} refused: {detail}")
