"""The capture lease: capture is allowed only while policy keeps granting it (fail closed).

Policy streams grants; each grant is valid for lease_s. A refusal (mute), a broken stream,
or silence longer than the lease all revoke capture, and the revoke callback closes the
microphone at once. A grant may carry a push-to-talk session policy granted for the site
(`hearth listen`); it is handed on as soon as capture is allowed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import grpc

from hearth.v1 import policy_pb2, policy_pb2_grpc
from hearth_audio import audio_metrics

log = logging.getLogger(__name__)

WATCHDOG_INTERVAL_S = 0.1


class CaptureGate:
    def __init__(
        self,
        policy: policy_pb2_grpc.PolicyStub,
        site: str,
        client: str,
        retry_s: float,
        on_revoked: Callable[[str], Awaitable[None]],
        on_session: Callable[[policy_pb2.SessionGrant], Awaitable[None]],
    ) -> None:
        self.policy = policy
        self.site = site
        self.client = client
        self.retry_s = retry_s
        self.on_revoked = on_revoked
        self.on_session = on_session
        self.deadline = 0.0
        self.reason = "waiting for policy"
        self.changed = asyncio.Event()
        self._granted = False
        self._muted = audio_metrics.MUTED.labels(site)
        self._allowed = audio_metrics.CAPTURE_ALLOWED.labels(site)

    @property
    def allowed(self) -> bool:
        return self._granted and time.monotonic() < self.deadline

    async def wait_allowed(self) -> None:
        while not self.allowed:
            self.changed.clear()
            await self.changed.wait()

    async def run(self) -> None:
        """Hold the lease forever, reconnecting after failures; run the watchdog beside it."""
        watchdog = asyncio.create_task(self._watchdog())
        try:
            while True:
                await self._hold_once()
                await asyncio.sleep(self.retry_s)
        finally:
            watchdog.cancel()

    async def _hold_once(self) -> None:
        call = self.policy.HoldCapture(
            policy_pb2.CaptureRequest(site=self.site, client=self.client)
        )
        try:
            async for grant in call:
                await self._apply(grant)
            await self._revoke("policy ended the capture lease")
        except grpc.aio.AioRpcError as exc:
            if exc.code() in (grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAUTHENTICATED):
                # Not a fault that passes: this identity may not capture for this site.
                await self._revoke(f"policy refused this identity: {exc.details()}")
            else:
                await self._revoke(f"policy unreachable ({exc.code().name})")
        except asyncio.CancelledError:
            call.cancel()
            raise

    async def _apply(self, grant: policy_pb2.CaptureGrant) -> None:
        if grant.allowed:
            was_allowed = self.allowed
            self._granted = True
            self.deadline = time.monotonic() + grant.lease_s
            self.reason = ""
            self._muted.set(0)
            self._allowed.set(1)
            if not was_allowed:
                log.info("capture granted for site %s (lease %.1f s)", self.site, grant.lease_s)
                self.changed.set()
            if grant.HasField("session"):
                await self.on_session(grant.session)
        else:
            await self._revoke(grant.reason or "refused by policy")
            self._muted.set(1 if grant.reason == "muted" else 0)  # after the microphone closed

    async def _revoke(self, reason: str) -> None:
        was_allowed = self.allowed or self._granted
        self._granted = False
        self.deadline = 0.0
        self._allowed.set(0)
        if was_allowed or reason != self.reason:
            log.info("capture stopped for site %s: %s", self.site, reason)
        self.reason = reason
        self.changed.set()
        if was_allowed:
            await self.on_revoked(reason)

    async def _watchdog(self) -> None:
        """A stalled stream delivers nothing and raises nothing: the lease running out must still
        stop capture."""
        while True:
            await asyncio.sleep(WATCHDOG_INTERVAL_S)
            if self._granted and time.monotonic() >= self.deadline:
                await self._revoke("capture lease expired (policy silent)")
