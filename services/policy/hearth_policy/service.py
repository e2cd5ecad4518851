"""The policy service: mute per site, capture grants the audio service must keep holding, and sessions.

Capture fails closed: the audio service may capture only while the HoldCapture stream keeps
delivering grants, so a muted site, a dead policy service or a stalled connection all end
capture within the lease time.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass

import grpc

from hearth import events, metrics, rpc, tokens, topics
from hearth.service import Service, StartupError, Sub
from hearth.settings import CommonSettings
from hearth.v1 import events_pb2, policy_pb2, policy_pb2_grpc
from hearth_policy.settings import PolicySettings
from hearth_policy.store import MuteRecord, PolicyStore, StoreError

log = logging.getLogger(__name__)

SESSION_OUTCOMES = {
    name.removeprefix("OUTCOME_"): value
    for name, value in events_pb2.SessionEnded.Outcome.items()
    if name != "OUTCOME_UNSPECIFIED"
}


@dataclass
class ActiveSession:
    session_id: str
    site: str
    trace_id: str
    expires_at: float


class PolicyService(Service):
    name = "policy"
    grpc_service_names = ("hearth.v1.Policy",)

    def __init__(self, common: CommonSettings, section: PolicySettings) -> None:
        super().__init__(common, section)
        self.settings = section
        self.store: PolicyStore | None = None
        self.key = b""
        self.mute: dict[str, MuteRecord] = {}
        self.sessions: dict[str, ActiveSession] = {}
        self._mute_changed = asyncio.Condition()

    async def setup(self) -> None:
        try:
            self.store = PolicyStore(self.common.data_path / "policy.db")
        except StoreError as exc:
            raise StartupError(str(exc)) from exc
        self.key = tokens.load_or_create_key(self.common.secret_path)
        self.mute = self.store.mute_states(self.common.sites)
        muted = sorted(site for site, record in self.mute.items() if record.muted)
        log.info("%d sites known, muted: %s", len(self.mute), ", ".join(muted) or "none")

    async def teardown(self) -> None:
        if self.store is not None:
            self.store.close()

    def servicers(self) -> Sequence[rpc.AddServicer]:
        api = PolicyApi(self)
        return (lambda server: policy_pb2_grpc.add_PolicyServicer_to_server(api, server),)

    def subscriptions(self) -> Sequence[Sub]:
        return (Sub(topics.ALL_MUTE_SET, events_pb2.MuteCommand, self.on_mute_command, "mute_command"),)

    def offers(self) -> dict[str, str]:
        return {"sites": ",".join(self.common.sites), "lease_s": str(self.settings.lease_s)}

    async def on_bus_connected(self) -> None:
        for record in self.mute.values():
            self._publish_mute(record)

    # Mute.

    async def on_mute_command(self, topic: str, command: events_pb2.MuteCommand) -> None:
        site = topics.site_of(topic) or ""
        if site not in self.mute:
            self.reject("mute_command", "unknown_site", f"mute command for unknown site {site!r}")
            return
        await self.set_mute(site, command.muted, "mqtt")

    async def set_mute(self, site: str, muted: bool, changed_by: str) -> MuteRecord:
        assert self.store is not None
        record = await asyncio.to_thread(self.store.set_mute, site, muted, changed_by)
        self.mute[site] = record
        log.info("site %s %s (by %s)", site, "muted" if muted else "unmuted", changed_by)
        async with self._mute_changed:
            self._mute_changed.notify_all()
        self._publish_mute(record)
        return record

    def _publish_mute(self, record: MuteRecord) -> None:
        state = events_pb2.MuteState(
            header=events.header(self.name, site=record.site),
            muted=record.muted,
            changed_at=events.timestamp_from_seconds(record.changed_at) if record.changed_at else None,
            changed_by=record.changed_by,
        )
        self.bus.publish(topics.mute_state(record.site), state, retain=True)

    async def wait_mute_change(self, timeout_s: float) -> None:
        async with self._mute_changed:
            try:
                await asyncio.wait_for(self._mute_changed.wait(), timeout_s)
            except TimeoutError:
                pass

    # Sessions.

    def open_session(self, request: policy_pb2.SessionRequest) -> policy_pb2.SessionGrant:
        site = request.site
        refusal = self._session_refusal(site)
        trace_id = request.trace_id or events.new_trace_id()
        if refusal:
            self.bus.publish(
                topics.session_refused(site or "unknown"),
                events_pb2.SessionRefused(header=events.header(self.name, site=site, trace_id=trace_id), reason=refusal),
            )
            log.info("session refused for site %r: %s", site, refusal)
            return policy_pb2.SessionGrant(granted=False, reason=refusal)
        now = time.time()
        session_id = uuid.uuid4().hex
        expires_at = now + self.settings.session_max_s + self.settings.token_grace_s
        claims = tokens.SessionClaims(session_id, site, now, expires_at, self.settings.session_max_s)
        self.sessions[site] = ActiveSession(session_id, site, trace_id, expires_at)
        self.bus.publish(
            topics.session_started(site),
            events_pb2.SessionStarted(
                header=events.header(self.name, site=site, session_id=session_id, trace_id=trace_id),
                wake_word=request.wake_word,
                max_length_s=self.settings.session_max_s,
                preroll_s=self.settings.preroll_s,
                expires_at=events.timestamp_from_seconds(expires_at),
            ),
        )
        latency = events.seconds_since(request.detected_at)
        if latency is not None:
            metrics.HOP_LATENCY.labels("wake_to_session").observe(latency)
        return policy_pb2.SessionGrant(
            granted=True,
            session_id=session_id,
            token=tokens.sign(self.key, claims),
            max_length_s=self.settings.session_max_s,
            preroll_s=self.settings.preroll_s,
            expires_at=events.timestamp_from_seconds(expires_at),
        )

    def _session_refusal(self, site: str) -> str:
        if site not in self.mute:
            return f"unknown site {site!r}"
        if self.mute[site].muted:
            return "site is muted"
        active = self.sessions.get(site)
        if active is not None and active.expires_at > time.time():
            return "a session is already in progress on this site"
        return ""

    def close_session(self, request: policy_pb2.SessionEndRequest) -> None:
        active = self.sessions.get(request.site)
        if active is None or active.session_id != request.session_id:
            self.reject("session_end", "unknown_session", f"end of a session that is not active on site {request.site!r}")
            return
        del self.sessions[request.site]
        outcome = SESSION_OUTCOMES.get(request.outcome.upper(), events_pb2.SessionEnded.OUTCOME_ERROR)
        self.bus.publish(
            topics.session_ended(request.site),
            events_pb2.SessionEnded(
                header=events.header(self.name, site=request.site, session_id=request.session_id, trace_id=active.trace_id),
                outcome=outcome,  # type: ignore[arg-type]
                audio_s=request.audio_s,
                detail=request.detail,
            ),
        )


class PolicyApi(policy_pb2_grpc.PolicyServicer):
    """gRPC face of the policy service."""

    def __init__(self, service: PolicyService) -> None:
        self.service = service

    async def HoldCapture(
        self, request: policy_pb2.CaptureRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[policy_pb2.CaptureGrant]:
        service = self.service
        lease_s = service.settings.lease_s
        metrics.MESSAGES_IN.labels("policy", "capture_request").inc()
        log.info("capture lease opened for site %r by %s", request.site, request.client or "unknown client")
        try:
            while not context.done():
                record = service.mute.get(request.site)
                reason = "unknown site" if record is None else ("muted" if record.muted else "")
                yield policy_pb2.CaptureGrant(
                    allowed=not reason,
                    reason=reason,
                    lease_expires_at=events.timestamp_from_seconds(time.time() + lease_s),
                    lease_s=lease_s,
                )
                await service.wait_mute_change(lease_s / 3)
        finally:
            log.info("capture lease closed for site %r", request.site)

    async def RequestSession(self, request: policy_pb2.SessionRequest, context: grpc.aio.ServicerContext) -> policy_pb2.SessionGrant:
        metrics.MESSAGES_IN.labels("policy", "session_request").inc()
        return self.service.open_session(request)

    async def EndSession(self, request: policy_pb2.SessionEndRequest, context: grpc.aio.ServicerContext) -> policy_pb2.SessionEndReply:
        metrics.MESSAGES_IN.labels("policy", "session_end").inc()
        self.service.close_session(request)
        return policy_pb2.SessionEndReply()

    async def SetMute(self, request: policy_pb2.SetMuteRequest, context: grpc.aio.ServicerContext) -> policy_pb2.MuteReply:
        metrics.MESSAGES_IN.labels("policy", "set_mute").inc()
        if request.site not in self.service.mute:
            self.service.reject("set_mute", "unknown_site", f"mute request for unknown site {request.site!r}")
            await context.abort(grpc.StatusCode.NOT_FOUND, f"unknown site {request.site!r}; known: {', '.join(self.service.common.sites)}")
        record = await self.service.set_mute(request.site, request.muted, request.changed_by or "grpc")
        return _mute_reply(record)

    async def GetMute(self, request: policy_pb2.GetMuteRequest, context: grpc.aio.ServicerContext) -> policy_pb2.MuteReply:
        record = self.service.mute.get(request.site)
        if record is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"unknown site {request.site!r}")
        return _mute_reply(record)

    async def ListSites(self, request: policy_pb2.ListSitesRequest, context: grpc.aio.ServicerContext) -> policy_pb2.ListSitesReply:
        return policy_pb2.ListSitesReply(sites=[_mute_reply(record) for record in self.service.mute.values()])


def _mute_reply(record: MuteRecord) -> policy_pb2.MuteReply:
    return policy_pb2.MuteReply(
        site=record.site,
        muted=record.muted,
        changed_at=events.timestamp_from_seconds(record.changed_at) if record.changed_at else None,
        changed_by=record.changed_by,
    )
