"""Push-to-talk asked of policy (`hearth listen SITE`, an automation): a session at a site without
a wake word.

The session is authorised by the session desk like any other (unknown, muted and busy sites are
refused) and recorded like any other. The caller never gets the token: the grant goes to the
site's audio service over the capture stream it already holds, because that service holds the
microphone. A site whose audio service holds no capture stream cannot listen, and the caller is
told so instead of being handed a session nobody runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Iterator

from hearth import events
from hearth.v1 import common_pb2, policy_pb2
from hearth_policy.mute import MuteControl
from hearth_policy.sessions import SessionDesk

log = logging.getLogger(__name__)


class NoMicrophone(Exception):
    """The site has no audio service to run the session; the message says so to the caller."""


class PendingSession:
    """A granted push-to-talk session on its way to a capture stream."""

    def __init__(self, grant: policy_pb2.SessionGrant) -> None:
        self.grant = grant
        self.outcome: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        """Empty once the grant was written to the stream; else why it could not be."""

    def settle(self, problem: str) -> None:
        if not self.outcome.done():
            self.outcome.set_result(problem)


class CaptureStream:
    """One HoldCapture stream: the grants waiting to ride on its next capture grant."""

    def __init__(self, site: str) -> None:
        self.site = site
        self.waiting: deque[PendingSession] = deque()
        self.in_flight: PendingSession | None = None

    def take(self) -> PendingSession | None:
        """The next session to send with the capture grant about to be written (one the caller
        gave up on is dropped)."""
        self.in_flight = None
        while self.waiting and self.in_flight is None:
            pending = self.waiting.popleft()
            if not pending.outcome.done():
                self.in_flight = pending
        return self.in_flight

    def sent(self) -> None:
        """The capture grant carrying the in-flight session was written."""
        if self.in_flight is not None:
            self.in_flight.settle("")
            self.in_flight = None

    def refuse(self, problem: str) -> None:
        """Capture is not allowed now (muted meanwhile, broker lost): the session cannot run."""
        if self.in_flight is not None:
            self.in_flight.settle(problem)
            self.in_flight = None

    def close(self) -> None:
        for pending in (self.in_flight, *self.waiting):
            if pending is not None:
                pending.settle(f"the microphone for site {self.site!r} went away")
        self.waiting.clear()
        self.in_flight = None


class PushToTalk:
    def __init__(self, sessions: SessionDesk, mute: MuteControl, lease_s: float) -> None:
        self.sessions = sessions
        self.mute = mute
        self.lease_s = lease_s
        """A capture stream writes a grant at least this often, so a session reaches it within
        this time."""
        self._streams: dict[str, list[CaptureStream]] = {}

    @contextlib.contextmanager
    def stream(self, site: str) -> Iterator[CaptureStream]:
        """Registers a capture stream of the site for as long as the block runs."""
        stream = CaptureStream(site)
        self._streams.setdefault(site, []).append(stream)
        try:
            yield stream
        finally:
            stream.close()
            self._streams[site].remove(stream)
            if not self._streams[site]:
                del self._streams[site]

    async def listen(self, request: policy_pb2.ListenRequest) -> policy_pb2.ListenReply:
        """Refused (with the reason) like any session request; NoMicrophone when no audio service
        holds a capture stream for the site."""
        site = request.site
        streams = self._streams.get(site)
        if not self.sessions.refusal(site) and not streams:
            raise NoMicrophone(f"no microphone is connected for site {site!r}")
        grant = await self.sessions.request_session(
            policy_pb2.SessionRequest(
                site=site,
                trigger=common_pb2.TRIGGER_PUSH_TO_TALK,
                detected_at=events.timestamp_from_seconds(time.time()),
                trace_id=events.new_trace_id(),
            )
        )
        if not grant.granted:
            return policy_pb2.ListenReply(started=False, reason=grant.reason)
        log.info(
            "push-to-talk session on site %r asked by %s", site, request.requested_by or "grpc"
        )
        problem = await self._deliver(grant, site, streams[-1] if streams else None)
        if problem:
            self.sessions.close_session(
                policy_pb2.SessionEndRequest(
                    session_id=grant.session_id,
                    site=site,
                    outcome="CANCELLED",
                    detail=problem,
                    trace_id=grant.trace_id,
                )
            )
            raise NoMicrophone(problem)
        return policy_pb2.ListenReply(
            started=True,
            session_id=grant.session_id,
            trace_id=grant.trace_id,
            max_length_s=grant.max_length_s,
        )

    async def _deliver(
        self, grant: policy_pb2.SessionGrant, site: str, stream: CaptureStream | None
    ) -> str:
        """Empty once the newest capture stream of the site has sent the grant; else why not."""
        if stream is None:
            return f"no microphone is connected for site {site!r}"
        pending = PendingSession(grant)
        stream.waiting.append(pending)
        await self.mute.wake_capture_streams()
        try:
            return await asyncio.wait_for(asyncio.shield(pending.outcome), self.lease_s)
        except TimeoutError:
            problem = f"the microphone for site {site!r} did not answer in time"
            pending.settle(problem)  # a stream that wakes up later skips it
            return problem
