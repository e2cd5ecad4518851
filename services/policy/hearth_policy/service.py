"""The policy service: mute per site, capture grants the audio service must keep holding, sessions,
and everything Hearth keeps about what was said (with expiry and a hash-chained audit).

Capture fails closed: the audio service may capture only while the HoldCapture stream keeps
delivering grants, so a muted site, a dead policy service, a policy that lost the broker (and so
cannot hear mute commands) or a stalled connection all end capture within the lease time.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from hearth import events, metrics, privacy, rpc, tokens, topics
from hearth.service import Service, StartupError, Sub
from hearth.settings import CommonSettings
from hearth.v1 import events_pb2, policy_pb2, policy_pb2_grpc
from hearth_policy import policy_metrics as pm
from hearth_policy.arbitration import Arbiter, Bid
from hearth_policy.audit import AuditHead
from hearth_policy.ledger import OpenSession, SessionLedger
from hearth_policy.settings import PolicySettings
from hearth_policy.store import (
    RETENTION_CLASSES,
    ForgetScope,
    MuteRecord,
    NewItem,
    PolicyStore,
    StoreError,
    StoreFull,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

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
        self.retention = section.retention
        self.store: PolicyStore | None = None
        self.key = b""
        self.mute: dict[str, MuteRecord] = {}
        self.sessions: dict[str, ActiveSession] = {}
        self.ledger = SessionLedger(section.session_settle_s)
        self.arbiter = Arbiter(section.arbitration_window_s)
        self.listening: dict[str, int] = {}
        """Open capture streams per site: the sites that could hear a command at the same time."""
        self.next_purge_at = 0.0
        self.store_writable = True
        self._mute_changed = asyncio.Condition()
        self._tasks: list[asyncio.Task[None]] = []
        self._published_length: int | None = None
        self._privacy_sessions: deque[str] = deque(maxlen=100)
        """Recent sessions that were privacy commands: their audio is not kept either."""

    async def setup(self) -> None:
        self.bus.on_disconnected(self._wake_capture_streams)
        try:
            self.store = PolicyStore(
                self.common.data_path / "policy.db", self.settings.max_store_bytes
            )
            check = self.store.verify()
        except StoreError as exc:
            raise StartupError(str(exc)) from exc
        self._published_length = self.store.head().length
        self.key = tokens.load_or_create_key(self.common.secret_path)
        self.mute = self.store.mute_states(self.common.sites)
        pm.create_series(self.common.sites)
        for record in self.mute.values():
            pm.SITE_MUTED.labels(record.site).set(int(record.muted))
        muted = sorted(site for site, record in self.mute.items() if record.muted)
        log.info("%d sites known, muted: %s", len(self.mute), ", ".join(muted) or "none")
        self.show_chain(check.ok, check.head)
        if not check.ok:
            log.error(
                "audit chain does not verify: %s; `hearth privacy verify` shows it, and new entries continue the chain",
                check.problem,
            )
        await self.write_store(
            lambda store: store.record_settings(self.retention.model_dump(), "config"), "setting"
        )
        self._tasks = [
            asyncio.create_task(self._retention_loop()),
            asyncio.create_task(self._ledger_loop()),
        ]

    async def teardown(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.store is not None:
            self.store.close()

    def servicers(self) -> Sequence[rpc.AddServicer]:
        from hearth_policy.api import PolicyApi

        api = PolicyApi(self)
        return (lambda server: policy_pb2_grpc.add_PolicyServicer_to_server(api, server),)

    def subscriptions(self) -> Sequence[Sub]:
        return (
            Sub(topics.ALL_MUTE_SET, events_pb2.MuteCommand, self.on_mute_command, "mute_command"),
            Sub(topics.ALL_TRANSCRIPTS, events_pb2.Transcript, self.on_transcript, "transcript"),
            Sub(
                topics.ALL_INTENTS_RECOGNIZED, events_pb2.IntentRecognized, self.on_intent, "intent"
            ),
            Sub(
                topics.ALL_INTENTS_NOT_RECOGNIZED,
                events_pb2.IntentNotRecognized,
                self.on_not_recognized,
                "not_recognized",
            ),
        )

    def offers(self) -> dict[str, str]:
        return {"sites": ",".join(self.common.sites), "lease_s": str(self.settings.lease_s)}

    async def on_bus_connected(self) -> None:
        for record in self.mute.values():
            self._publish_mute(record)
        self._publish_head(always=True)
        await (
            self._wake_capture_streams()
        )  # capture may resume now that mute commands can reach policy

    async def _wake_capture_streams(self) -> None:
        """Every HoldCapture stream re-reads the state now: on a mute, and when the broker comes or goes."""
        async with self._mute_changed:
            self._mute_changed.notify_all()

    # Writing to the store: in a thread, and a full store stops storing, never serving.

    async def write_store(self, change: Callable[[PolicyStore], T], what: str) -> T | None:
        assert self.store is not None
        store = self.store
        try:
            result = await asyncio.to_thread(change, store)
        except StoreFull as exc:
            if self.store_writable:
                log.error(
                    "%s; storing has stopped (%s refused), serving goes on (mute, sessions)",
                    exc,
                    what,
                )
            self.store_writable = False
            pm.STORE_WRITABLE.set(0)
            metrics.ERRORS.labels(self.name, "store_full").inc()
            return None
        self._publish_head()
        return result

    def storing_resumed(self, why: str) -> None:
        """Items were stored, or deleted to make room: storing is (again) possible."""
        if not self.store_writable:
            log.info("storing resumes (%s)", why)
        self.store_writable = True
        pm.STORE_WRITABLE.set(1)

    def _publish_head(self, always: bool = False) -> None:
        """Metrics and the retained head follow every new audit entry (and a reconnect republishes it)."""
        if self.store is None:
            return
        head = self.store.head()
        appended = head.length - (
            self._published_length if self._published_length is not None else head.length
        )
        if not appended and not always:
            return
        pm.AUDIT_ENTRIES.inc(max(0, appended))
        self._published_length = head.length
        pm.AUDIT_LENGTH.set(head.length)
        pm.AUDIT_HEAD.set(head.as_number)
        if self.bus.connected:
            self.bus.publish(
                topics.AUDIT_HEAD,
                events_pb2.AuditHeadState(
                    header=events.header(self.name),
                    length=head.length,
                    head=head.hash,
                    at=events.timestamp_from_seconds(head.at) if head.at else None,
                ),
                retain=True,
            )

    def show_chain(self, ok: bool, head: AuditHead) -> None:
        pm.AUDIT_VALID.set(int(ok))
        pm.AUDIT_LENGTH.set(head.length)
        pm.AUDIT_HEAD.set(head.as_number)

    # Mute.

    async def on_mute_command(self, topic: str, command: events_pb2.MuteCommand) -> None:
        site = topics.site_of(topic) or ""
        if site not in self.mute:
            self.reject("mute_command", "unknown_site", f"mute command for unknown site {site!r}")
            return
        await self.set_mute(site, command.muted, "mqtt")

    async def set_mute(self, site: str, muted: bool, changed_by: str) -> MuteRecord:
        """Mute takes effect in memory first (capture stops even if the disk is full), then is stored."""
        record = MuteRecord(site, muted, time.time(), changed_by)
        self.mute[site] = record
        pm.SITE_MUTED.labels(site).set(int(muted))
        await self._wake_capture_streams()
        stored = await self.write_store(
            lambda store: store.set_mute(site, muted, changed_by), "mute"
        )
        if stored is None:
            log.error(
                "site %s: the mute change could not be stored; it holds until policy restarts", site
            )
        log.info("site %s %s (by %s)", site, "muted" if muted else "unmuted", changed_by)
        self._publish_mute(stored or record)
        return stored or record

    def _publish_mute(self, record: MuteRecord) -> None:
        state = events_pb2.MuteState(
            header=events.header(self.name, site=record.site),
            muted=record.muted,
            changed_at=events.timestamp_from_seconds(record.changed_at)
            if record.changed_at
            else None,
            changed_by=record.changed_by,
        )
        self.bus.publish(topics.mute_state(record.site), state, retain=True)

    def capture_refusal(self, site: str) -> str:
        """Why the site may not capture now; empty when it may."""
        record = self.mute.get(site)
        if record is None:
            return "unknown site"
        if record.muted:
            return "muted"
        if not self.bus.connected:
            return "policy has lost the broker, so mute commands cannot reach it"
        return ""

    async def wait_mute_change(self, timeout_s: float) -> None:
        async with self._mute_changed:
            try:
                await asyncio.wait_for(self._mute_changed.wait(), timeout_s)
            except TimeoutError:
                pass

    # Sessions.

    async def request_session(self, request: policy_pb2.SessionRequest) -> policy_pb2.SessionGrant:
        site = request.site
        trace_id = request.trace_id or events.new_trace_id()
        refusal = self._session_refusal(site)
        if not refusal:
            detected = (
                request.detected_at.ToNanoseconds() / 1e9
                if request.HasField("detected_at")
                else None
            )
            rivals = any(count and other != site for other, count in self.listening.items())
            winner = await self.arbiter.winner(
                Bid(site, request.score, request.level_dbfs), detected, rivals
            )
            if winner != site:
                return self._refuse(site, trace_id, f"superseded by {winner}", "superseded")
            refusal = self._session_refusal(site)  # muted while the contest ran
        if refusal:
            return self._refuse(site, trace_id, refusal, "refused")
        return self._grant(request, trace_id)

    def _refuse(
        self, site: str, trace_id: str, reason: str, outcome: str
    ) -> policy_pb2.SessionGrant:
        self.bus.publish(
            topics.session_refused(site or "unknown"),
            events_pb2.SessionRefused(
                header=events.header(self.name, site=site, trace_id=trace_id), reason=reason
            ),
        )
        if site in self.mute:
            pm.SESSIONS.labels(site, outcome).inc()
        log.info("session refused for site %r: %s", site, reason)
        return policy_pb2.SessionGrant(
            granted=False, reason=reason, superseded=outcome == "superseded"
        )

    def _grant(self, request: policy_pb2.SessionRequest, trace_id: str) -> policy_pb2.SessionGrant:
        site = request.site
        now = time.time()
        session_id = uuid.uuid4().hex
        expires_at = now + self.settings.session_max_s + self.settings.token_grace_s
        claims = tokens.SessionClaims(
            session_id, site, now, expires_at, self.settings.session_max_s
        )
        self.sessions[site] = ActiveSession(session_id, site, trace_id, expires_at)
        self.ledger.open(session_id, site, trace_id, expires_at)
        self.bus.publish(
            topics.session_started(site),
            events_pb2.SessionStarted(
                header=events.header(
                    self.name, site=site, session_id=session_id, trace_id=trace_id
                ),
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
            keep_audio=self.retention.audio_s > 0,
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
            self.reject(
                "session_end",
                "unknown_session",
                f"end of a session that is not active on site {request.site!r}",
            )
            return
        del self.sessions[request.site]
        outcome = SESSION_OUTCOMES.get(
            request.outcome.upper(), events_pb2.SessionEnded.OUTCOME_ERROR
        )
        self.ledger.ended(
            request.session_id,
            events_pb2.SessionEnded.Outcome.Name(outcome).removeprefix("OUTCOME_").lower(),
        )
        self.bus.publish(
            topics.session_ended(request.site),
            events_pb2.SessionEnded(
                header=events.header(
                    self.name,
                    site=request.site,
                    session_id=request.session_id,
                    trace_id=active.trace_id,
                ),
                outcome=outcome,  # type: ignore[arg-type]
                audio_s=request.audio_s,
                detail=request.detail,
            ),
        )

    # What the session produced: collected by the ledger, recorded when the session is complete.

    def _ledger_entry(self, session_id: str, kind: str) -> OpenSession | None:
        entry = self.ledger.get(session_id)
        if entry is None:
            self.reject(
                kind,
                "unknown_session",
                f"{kind} for a session policy did not grant (or already recorded)",
            )
        return entry

    async def on_transcript(self, topic: str, transcript: events_pb2.Transcript) -> None:
        entry = self._ledger_entry(transcript.header.session_id, "transcript")
        if entry is not None:
            entry.transcript = transcript.text

    async def on_intent(self, topic: str, recognized: events_pb2.IntentRecognized) -> None:
        entry = self._ledger_entry(recognized.header.session_id, "intent")
        if entry is not None:
            entry.intent = recognized.intent
            entry.slots = dict(recognized.slots)
            await self._record_due()

    async def on_not_recognized(self, topic: str, event: events_pb2.IntentNotRecognized) -> None:
        entry = self._ledger_entry(event.header.session_id, "not_recognized")
        if entry is not None:
            entry.not_recognized = True
            await self._record_due()

    async def _ledger_loop(self) -> None:
        while True:
            await asyncio.sleep(0.5)
            try:
                await self._record_due()
            except Exception:
                log.exception("recording finished sessions failed")
                metrics.ERRORS.labels(self.name, "ledger").inc()

    async def _record_due(self) -> None:
        for session in self.ledger.due():
            await self._record(session)

    async def _record(self, session: OpenSession) -> None:
        outcome = session.outcome
        pm.SESSIONS.labels(session.site, outcome).inc()
        items = [
            NewItem(
                "session",
                session.site,
                session.session_id,
                self.retention.session_s,
                outcome=outcome,
            )
        ]
        if outcome == "not_recognized":
            pm.FALSE_WAKES.labels(session.site).inc()
            if self.retention.keep_unrecognized_transcripts and session.transcript:
                items.append(
                    NewItem(
                        "transcript",
                        session.site,
                        session.session_id,
                        self.retention.transcript_s,
                        text=session.transcript,
                    )
                )
        elif session.intent in privacy.PRIVACY_INTENTS:
            self._privacy_sessions.append(session.session_id)
            await self._drop_clip(session.session_id)
        elif outcome == "intent":
            if session.transcript is not None:
                items.append(
                    NewItem(
                        "transcript",
                        session.site,
                        session.session_id,
                        self.retention.transcript_s,
                        text=session.transcript,
                    )
                )
            items.append(
                NewItem(
                    "intent",
                    session.site,
                    session.session_id,
                    self.retention.intent_s,
                    text=session.intent or "",
                    slots=session.slots,
                )
            )
        if await self.write_store(lambda store: store.keep(items), "store") is None:
            for item in items:
                pm.NOT_STORED.labels(item.retention_class).inc()
        else:
            self.storing_resumed("a session was stored")
        await self.refresh_held()

    def keep_clip(self, request: policy_pb2.KeepClipRequest) -> str:
        """Check a clip before it is kept; empty when it may be kept, else why not."""
        if self.retention.audio_s <= 0:
            return "the owner has not opted in to keeping audio"
        try:
            claims = tokens.verify(self.key, request.token, site=request.site)
        except tokens.TokenError as exc:
            return f"invalid session token: {exc}"
        if claims.session_id != request.session_id:
            return "the token belongs to another session"
        if len(request.pcm) > int(self.settings.session_max_s * 32_000) + 32_000:
            return "the clip is longer than a session may be"
        return ""

    async def _drop_clip(self, session_id: str) -> None:
        """A privacy command's audio may have been kept before its intent was known; it goes too."""
        scope = ForgetScope(session_id=session_id, only_class="audio")
        await self.write_store(lambda store: store.forget(None, scope, "privacy command"), "forget")

    async def store_clip(self, request: policy_pb2.KeepClipRequest) -> bool:
        entry = self.ledger.get(request.session_id)
        if request.session_id in self._privacy_sessions or (
            entry is not None and entry.intent in privacy.PRIVACY_INTENTS
        ):
            log.info("audio of a privacy command on site %s is not kept", request.site)
            return False
        item = NewItem(
            "audio", request.site, request.session_id, self.retention.audio_s, audio=request.pcm
        )
        stored = await self.write_store(lambda store: store.keep([item]), "store")
        if stored is None:
            pm.NOT_STORED.labels("audio").inc()
            return False
        self.storing_resumed("an audio clip was stored")
        await self.refresh_held()
        return True

    # Retention.

    async def _retention_loop(self) -> None:
        while True:
            self.next_purge_at = time.time() + self.retention.purge_interval_s
            await self.purge()
            await asyncio.sleep(max(0.0, self.next_purge_at - time.time()))

    async def purge(self) -> None:
        assert self.store is not None
        try:
            removed = await self.write_store(
                lambda store: store.purge(self.retention.audit_s), "purge"
            )
        except Exception:
            log.exception("purge failed")
            pm.PURGE_FAILURES.inc()
            return
        if removed is None:  # the store was full; deleting should still be possible next time
            pm.PURGE_FAILURES.inc()
            return
        pm.LAST_PURGE.set(time.time())
        if any(removed.values()):
            self.storing_resumed("expired items were purged")
        for retention_class, count in removed.items():
            if retention_class in RETENTION_CLASSES:
                pm.PURGED.labels(retention_class).inc(count)
        if any(removed.values()):
            log.info(
                "purged expired items: %s",
                ", ".join(f"{n} {c}" for c, n in sorted(removed.items())),
            )
        await self.refresh_held()

    async def refresh_held(self) -> None:
        """The held-items gauges, from one summary query (in a thread, like every store call)."""
        assert self.store is not None
        now = time.time()
        for summary in await asyncio.to_thread(self.store.summary):
            for site in self.common.sites:
                pm.ITEMS_HELD.labels(summary.retention_class, site).set(
                    summary.items_per_site.get(site, 0)
                )
            pm.OLDEST_AGE.labels(summary.retention_class).set(
                now - summary.oldest if summary.oldest else 0
            )
