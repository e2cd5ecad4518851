"""gRPC face of the policy service: capture grants, sessions, mute, and the privacy operations."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import grpc

from hearth import events, metrics
from hearth.access import Gate
from hearth.v1 import policy_pb2, policy_pb2_grpc
from hearth_policy import SERVICE, Reject
from hearth_policy import policy_metrics as pm
from hearth_policy.audit import AuditHead
from hearth_policy.callers import SpokenRequests, actor
from hearth_policy.mute import MuteControl, MuteNotStored
from hearth_policy.push_to_talk import NoMicrophone, PushToTalk
from hearth_policy.rate_limit import RateLimiter
from hearth_policy.recorder import SessionRecorder
from hearth_policy.retention import Retention
from hearth_policy.sessions import SessionDesk
from hearth_policy.store import ForgetScope, HeldItem, MuteRecord
from hearth_policy.store_writer import StoreWriter

log = logging.getLogger(__name__)

MICROPHONES = ("audio",)
"""Who may act as a site's microphone besides that site's satellite (and the owner)."""


class PolicyApi(policy_pb2_grpc.PolicyServicer):
    """Each call goes to the object of its concern; the API keeps no state of its own."""

    def __init__(
        self,
        *,
        lease_s: float,
        mute: MuteControl,
        sessions: SessionDesk,
        push_to_talk: PushToTalk,
        recorder: SessionRecorder,
        retention: Retention,
        writer: StoreWriter,
        reject: Reject,
        gate: Gate,
        spoken: SpokenRequests,
        limits: dict[str, RateLimiter],
    ) -> None:
        self.lease_s = lease_s
        """How long a capture grant holds; grants are renewed three times as often."""
        self.mute = mute
        self.sessions = sessions
        self.push_to_talk = push_to_talk
        self.recorder = recorder
        self.retention = retention
        self.writer = writer
        self.reject = reject
        self.gate = gate
        """Who may call what: every method asks it first."""
        self.spoken = spoken
        self.limits = limits
        """A token bucket per rate-limited method (privacy_forget, privacy_export,
        session_request)."""

    # Capture, sessions, mute.

    async def HoldCapture(
        self, request: policy_pb2.CaptureRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[policy_pb2.CaptureGrant]:
        await self.gate.allow(context, "HoldCapture", MICROPHONES, request.site)
        lease_s = self.lease_s
        metrics.MESSAGES_IN.labels(SERVICE, "capture_request").inc()
        log.info(
            "capture lease opened for site %r by %s",
            request.site,
            request.client or "unknown client",
        )
        try:
            with (
                self.mute.listening(request.site),
                self.push_to_talk.stream(request.site) as stream,
            ):
                while not context.done():
                    reason = self.mute.capture_refusal(request.site)
                    pending = stream.take()
                    if pending is not None and reason:
                        stream.refuse(f"capture is not allowed on site {request.site!r}: {reason}")
                        pending = None
                    yield policy_pb2.CaptureGrant(
                        allowed=not reason,
                        reason=reason,
                        lease_expires_at=events.timestamp_from_seconds(time.time() + lease_s),
                        lease_s=lease_s,
                        session=pending.grant if pending is not None else None,
                    )
                    stream.sent()
                    await self.mute.wait_for_change(lease_s / 3)
        finally:
            log.info("capture lease closed for site %r", request.site)

    async def RequestSession(
        self, request: policy_pb2.SessionRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.SessionGrant:
        caller = await self.gate.allow(context, "RequestSession", MICROPHONES, request.site)
        metrics.MESSAGES_IN.labels(SERVICE, "session_request").inc()
        site = request.site if self.mute.knows(request.site) else "unknown"
        await self._within_rate("session_request", f"{caller} at {site}", context)
        return await self.sessions.request_session(request)

    async def Listen(
        self, request: policy_pb2.ListenRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.ListenReply:
        await self.gate.allow(context, "Listen", MICROPHONES, request.site)
        metrics.MESSAGES_IN.labels(SERVICE, "listen").inc()
        try:
            return await self.push_to_talk.listen(request)
        except NoMicrophone as exc:
            log.info("push-to-talk on site %r not started: %s", request.site, exc)
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
            raise AssertionError("unreachable") from exc

    async def EndSession(
        self, request: policy_pb2.SessionEndRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.SessionEndReply:
        await self.gate.allow(context, "EndSession", MICROPHONES, request.site)
        metrics.MESSAGES_IN.labels(SERVICE, "session_end").inc()
        self.sessions.close_session(request)
        return policy_pb2.SessionEndReply()

    async def SetMute(
        self, request: policy_pb2.SetMuteRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.MuteReply:
        caller = await self.gate.allow(context, "SetMute", ("intent",), request.site)
        await self._spoken_by_voice(
            caller, "SetMute", request.spoken_in_session, request.site, context
        )
        metrics.MESSAGES_IN.labels(SERVICE, "set_mute").inc()
        await self._known_site(request.site, "set_mute", context)
        try:
            record = await self.mute.set_mute(request.site, request.muted, actor(caller))
        except MuteNotStored as exc:
            await context.abort(grpc.StatusCode.UNAVAILABLE, str(exc))
            raise AssertionError("unreachable") from exc
        return _mute_reply(record)

    async def GetMute(
        self, request: policy_pb2.GetMuteRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.MuteReply:
        await self.gate.allow(context, "GetMute", (*MICROPHONES, "intent"), request.site)
        await self._known_site(request.site, "get_mute", context)
        return _mute_reply(self.mute.records[request.site])

    async def ListSites(
        self, request: policy_pb2.ListSitesRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.ListSitesReply:
        await self.gate.allow(context, "ListSites")
        return policy_pb2.ListSitesReply(
            sites=[_mute_reply(record) for record in self.mute.records.values()]
        )

    async def _known_site(
        self, site: str, kind: str, context: grpc.aio.ServicerContext, allow_all: bool = False
    ) -> None:
        if (allow_all and not site) or self.mute.knows(site):
            return
        self.reject(kind, "unknown_site", f"{kind} for unknown site {site!r}")
        await context.abort(
            grpc.StatusCode.NOT_FOUND,
            f"unknown site {site!r}; known: {', '.join(self.mute.records)}",
        )

    async def _within_rate(self, kind: str, key: str, context: grpc.aio.ServicerContext) -> None:
        """Refuse the call when its key asked too often. The key names the caller's
        identity (and the site, for sessions): one caller, one bucket."""
        limiter = self.limits[kind]
        if limiter.allow(key):
            return
        pm.RATE_LIMITED.labels(kind).inc()
        detail = f"too many {kind} requests for {key}: {limiter.describe()}"
        self.reject(kind, "rate_limited", detail)
        await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, detail)

    async def _spoken_by_voice(
        self,
        caller: str,
        method: str,
        session_id: str,
        site: str,
        context: grpc.aio.ServicerContext,
    ) -> None:
        """Intent acts only as the voice of a command spoken in a granted, transcribed session at
        the site it names (the owner and a site's satellite act on their own authority)."""
        if caller != "intent":
            return
        refusal = await self.spoken.refusal(session_id, site) if site else "no site named"
        if refusal:
            await self.gate.deny(
                context, method, "no_session", f"intent for site {site!r}: {refusal}"
            )

    # Privacy.

    async def Report(
        self, request: policy_pb2.ReportRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.PrivacyReport:
        await self.gate.allow(context, "Report")
        metrics.MESSAGES_IN.labels(SERVICE, "privacy_report").inc()
        store = self.writer.store
        summaries, days, history = await asyncio.gather(
            asyncio.to_thread(store.summary),
            asyncio.to_thread(store.days),
            asyncio.to_thread(store.mute_history),
        )
        retention = self.retention.settings
        return policy_pb2.PrivacyReport(
            classes=[
                policy_pb2.ClassReport(
                    retention_class=s.retention_class,
                    enabled=retention.seconds(s.retention_class) > 0,
                    retention_s=retention.seconds(s.retention_class),
                    items=s.items,
                    items_per_site=s.items_per_site,
                    oldest=events.timestamp_from_seconds(s.oldest) if s.oldest else None,
                )
                for s in summaries
            ],
            next_purge=events.timestamp_from_seconds(self.retention.next_purge_at)
            if self.retention.next_purge_at
            else None,
            mute_history=[
                policy_pb2.MuteChange(
                    site=site, muted=muted, at=events.timestamp_from_seconds(at), changed_by=by
                )
                for site, muted, at, by in history
            ],
            days=[
                policy_pb2.DaySummary(
                    day=d.day,
                    site=d.site,
                    sessions=d.sessions,
                    probable_false_wakes=d.probable_false_wakes,
                    push_to_talk=d.push_to_talk,
                    follow_ups=d.follow_ups,
                )
                for d in days
            ],
            audit=_head(store.head()),
            store_writable=self.writer.writable,
        )

    async def Export(
        self, request: policy_pb2.ExportRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[policy_pb2.HeldItem]:
        caller = await self.gate.allow(context, "Export")
        metrics.MESSAGES_IN.labels(SERVICE, "privacy_export").inc()
        await self._known_site(request.site, "privacy_export", context, allow_all=True)
        await self._within_rate("privacy_export", caller, context)
        items = await self.writer.write(
            lambda store: store.export(request.site or None, actor(caller)), "export"
        )
        if items is None:
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                "the store is full, so the export cannot be audited; free space and retry",
            )
        log.info(
            "export of %d items (site %s) by %s",
            len(items or []),
            request.site or "all",
            actor(caller),
        )
        for item in items or []:
            yield _held_item(item)

    async def Forget(
        self, request: policy_pb2.ForgetRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.ForgetReply:
        caller = await self.gate.allow(context, "Forget", ("intent",))
        await self._spoken_by_voice(
            caller, "Forget", request.spoken_in_session, request.site, context
        )
        metrics.MESSAGES_IN.labels(SERVICE, "privacy_forget").inc()
        await self._known_site(request.site, "privacy_forget", context, allow_all=True)
        await self._within_rate("privacy_forget", caller, context)
        scope = await self._scope(request, context)
        by = actor(caller)
        result = await self.writer.write(
            lambda store: store.forget(request.site or None, scope, by), "forget"
        )
        if result is None:
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                "the store is full, so the deletion cannot be audited; nothing was deleted",
            )
        assert result is not None
        for retention_class, count in result.deleted_per_class.items():
            pm.FORGOTTEN.labels(retention_class).inc(count)
        if result.deleted_per_class:
            self.writer.storing_resumed("items were deleted")
        await self.retention.refresh_held()
        deleted = sum(result.deleted_per_class.values())
        log.info(
            "forget (%s, site %s) by %s: %d items from %d sessions",
            request.WhichOneof("scope"),
            request.site or "all",
            by,
            deleted,
            result.sessions,
        )
        return policy_pb2.ForgetReply(
            deleted=deleted, deleted_per_class=result.deleted_per_class, sessions=result.sessions
        )

    async def _scope(
        self, request: policy_pb2.ForgetRequest, context: grpc.aio.ServicerContext
    ) -> ForgetScope:
        which = request.WhichOneof("scope")
        if which == "last_session" and request.last_session:
            return ForgetScope(last_session=True, exclude_session_id=request.exclude_session_id)
        if which == "everything" and request.everything:
            return ForgetScope(everything=True)
        if which == "range":
            since = (
                request.range.since.ToNanoseconds() / 1e9
                if request.range.HasField("since")
                else 0.0
            )
            until = (
                request.range.until.ToNanoseconds() / 1e9
                if request.range.HasField("until")
                else None
            )
            if until is not None and until < since:
                await context.abort(
                    grpc.StatusCode.INVALID_ARGUMENT, "the range ends before it starts"
                )
            return ForgetScope(since=since, until=until)
        await context.abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            "say what to forget: the last session, a time range, or everything",
        )
        raise AssertionError("unreachable")

    async def Verify(
        self, request: policy_pb2.VerifyRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.VerifyReply:
        await self.gate.allow(context, "Verify")
        metrics.MESSAGES_IN.labels(SERVICE, "privacy_verify").inc()
        check = await asyncio.to_thread(self.writer.store.verify, self.writer.seen_heads)
        self.writer.show_chain(check.ok, check.head)
        if not check.ok:
            log.error("audit chain does not verify: %s", check.problem)
            metrics.ERRORS.labels(SERVICE, "audit_chain_broken").inc()
        return policy_pb2.VerifyReply(
            ok=check.ok,
            entries=check.entries,
            broken_at=check.broken_at,
            problem=check.problem,
            head=_head(check.head),
        )

    async def LastTranscript(
        self, request: policy_pb2.LastTranscriptRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.LastTranscriptReply:
        caller = await self.gate.allow(context, "LastTranscript", ("intent",))
        await self._spoken_by_voice(
            caller, "LastTranscript", request.spoken_in_session, request.site, context
        )
        metrics.MESSAGES_IN.labels(SERVICE, "last_transcript").inc()
        await self._known_site(request.site, "last_transcript", context)
        by = actor(caller)
        item = await self.writer.write(
            lambda store: store.last_transcript(request.site, request.exclude_session_id, by),
            "read",
        )
        if item is None:
            return policy_pb2.LastTranscriptReply(found=False)
        return policy_pb2.LastTranscriptReply(
            found=True, text=item.text, created_at=events.timestamp_from_seconds(item.created_at)
        )

    async def KeepClip(
        self, request: policy_pb2.KeepClipRequest, context: grpc.aio.ServicerContext
    ) -> policy_pb2.KeepClipReply:
        await self.gate.allow(context, "KeepClip", MICROPHONES, request.site)
        metrics.MESSAGES_IN.labels(SERVICE, "keep_clip").inc()
        refusal = self.recorder.clip_refusal(request)
        if refusal:
            self.reject(
                "keep_clip", "refused", f"audio clip for site {request.site!r} not kept: {refusal}"
            )
            return policy_pb2.KeepClipReply(kept=False, reason=refusal)
        kept = await self.recorder.store_clip(request)
        return policy_pb2.KeepClipReply(
            kept=kept, reason="" if kept else "not kept: a privacy command, or the store is full"
        )


def _head(head: AuditHead) -> policy_pb2.AuditHead:
    return policy_pb2.AuditHead(
        length=head.length,
        head=head.hash,
        at=events.timestamp_from_seconds(head.at) if head.at else None,
    )


def _held_item(item: HeldItem) -> policy_pb2.HeldItem:
    return policy_pb2.HeldItem(
        retention_class=item.retention_class,
        site=item.site,
        session_id=item.session_id,
        created_at=events.timestamp_from_seconds(item.created_at),
        expires_at=events.timestamp_from_seconds(item.expires_at),
        text=item.text,
        slots=item.slots,
        audio=item.audio or b"",
        outcome=item.outcome,
    )


def _mute_reply(record: MuteRecord) -> policy_pb2.MuteReply:
    return policy_pb2.MuteReply(
        site=record.site,
        muted=record.muted,
        changed_at=events.timestamp_from_seconds(record.changed_at) if record.changed_at else None,
        changed_by=record.changed_by,
    )
