"""The privacy operations a plugin's handler is given (hearth.plugins.PrivacyOperations), carried
out by policy, the only holder of what is kept.

Every call names the session the command was spoken in (`spoken_in_session`): policy carries out
a privacy operation only for a session it granted at that site, and once per session. A failure
is logged and counted here and raised as PrivacyUnavailable, so the handler can say it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

import grpc

from hearth import events, metrics
from hearth.plugins import PrivacyUnavailable
from hearth.v1 import policy_pb2, policy_pb2_grpc

log = logging.getLogger(__name__)
T = TypeVar("T")


class PolicyPrivacy:
    """The privacy operations for one command, spoken at `site` in `session_id`."""

    def __init__(
        self, policy: policy_pb2_grpc.PolicyStub, timeout_s: float, site: str, session_id: str
    ) -> None:
        self.policy = policy
        self.timeout = timeout_s
        self.site = site
        self.session_id = session_id

    async def mute_site(self) -> None:
        await self._call(
            "mute_site",
            lambda: self.policy.SetMute(
                policy_pb2.SetMuteRequest(
                    site=self.site, muted=True, spoken_in_session=self.session_id
                ),
                timeout=self.timeout,
            ),
        )

    async def forget_last_session(self) -> int:
        reply = await self._call(
            "forget_last_session",
            lambda: self.policy.Forget(
                policy_pb2.ForgetRequest(
                    site=self.site,
                    last_session=True,
                    exclude_session_id=self.session_id,
                    spoken_in_session=self.session_id,
                ),
                timeout=self.timeout,
            ),
        )
        return int(reply.deleted)

    async def forget_since(self, since: datetime) -> tuple[int, int]:
        reply = await self._call(
            "forget_since",
            lambda: self.policy.Forget(
                policy_pb2.ForgetRequest(
                    site=self.site,
                    range=policy_pb2.TimeRange(
                        since=events.timestamp_from_seconds(since.timestamp())
                    ),
                    spoken_in_session=self.session_id,
                ),
                timeout=self.timeout,
            ),
        )
        return int(reply.deleted), int(reply.sessions)

    async def last_transcript(self) -> str | None:
        reply = await self._call(
            "last_transcript",
            lambda: self.policy.LastTranscript(
                policy_pb2.LastTranscriptRequest(
                    site=self.site,
                    exclude_session_id=self.session_id,
                    spoken_in_session=self.session_id,
                ),
                timeout=self.timeout,
            ),
        )
        return str(reply.text) if reply.found else None

    async def _call(self, operation: str, call: Callable[[], Awaitable[T]]) -> T:
        if not self.site:
            raise PrivacyUnavailable("a privacy operation needs a site")
        try:
            return await call()
        except grpc.aio.AioRpcError as exc:
            log.error(
                "privacy operation %s for site %s failed: policy said %s",
                operation,
                self.site,
                exc.code().name,
            )
            metrics.ERRORS.labels("intent", "privacy_command_failed").inc()
            raise PrivacyUnavailable(exc.code().name) from None
