"""The policy service: mute per site, capture grants the audio service must keep holding, sessions,
and everything Hearth keeps about what was said (with expiry and a hash-chained audit).

Capture fails closed: the audio service may capture only while the HoldCapture stream keeps
delivering grants, so a muted site, a dead policy service, a policy that lost the broker (and so
cannot hear mute commands) or a stalled connection all end capture within the lease time.

This class only owns the parts: it opens the store, builds one object per concern (mute, sessions,
recording, retention), routes the broker's events to them and hands them to the gRPC API.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from hearth import rpc, tokens, topics
from hearth.access import Gate
from hearth.service import Service, StartupError, Sub
from hearth.settings import CommonSettings
from hearth.v1 import events_pb2, policy_pb2_grpc
from hearth_policy import SERVICE
from hearth_policy import policy_metrics as pm
from hearth_policy.api import PolicyApi
from hearth_policy.audit_checkpoint import (
    CHECKPOINT_FILE,
    AuditCheckpoint,
    audit_check_at_start,
    audit_key_path,
)
from hearth_policy.callers import SpokenRequests
from hearth_policy.ledger import SessionLedger
from hearth_policy.mute import MuteControl, start_sites
from hearth_policy.push_to_talk import PushToTalk
from hearth_policy.rate_limit import RateLimiter
from hearth_policy.recorder import SessionRecorder
from hearth_policy.retention import Retention
from hearth_policy.sessions import SessionDesk
from hearth_policy.settings import PolicySettings
from hearth_policy.store import PolicyStore, StoreError
from hearth_policy.store_writer import StoreWriter

log = logging.getLogger(__name__)


class PolicyService(Service):
    name = SERVICE
    grpc_service_names = ("hearth.v1.Policy",)

    writer: StoreWriter
    mute: MuteControl
    sessions: SessionDesk
    retention: Retention
    recorder: SessionRecorder
    """Built in setup, once the store is open."""

    def __init__(self, common: CommonSettings, section: PolicySettings) -> None:
        super().__init__(common, section, bus_session_expiry_s=section.bus_session_expiry_s)
        self.settings = section
        self._tasks: list[asyncio.Task[None]] = []

    async def setup(self) -> None:
        self.writer = await asyncio.to_thread(self._open_store)
        key = tokens.load_or_create_key(self.common.secret_path)
        pm.create_series(self.common.sites)
        self.mute = MuteControl(
            await start_sites(self.writer, self.common.sites), self.writer, self.bus, self.reject
        )
        self.bus.on_disconnected(self.mute.wake_capture_streams)
        ledger = SessionLedger(self.settings.session_settle_s)
        self.sessions = SessionDesk(self.settings, key, self.mute, ledger, self.bus, self.reject)
        self.retention = Retention(self.settings.retention, self.writer, self.common.sites)
        self.recorder = SessionRecorder(
            self.settings, key, ledger, self.writer, self.retention, self.reject
        )
        log.info(
            "%d sites known, muted: %s",
            len(self.mute.records),
            ", ".join(self.mute.muted_sites()) or "none",
        )
        await self.writer.write(
            lambda store: store.record_settings(self.settings.retention.model_dump(), "config"),
            "setting",
        )
        self._tasks = [
            asyncio.create_task(self.retention.purge_forever()),
            asyncio.create_task(self.recorder.record_forever()),
        ]

    def _open_store(self) -> StoreWriter:
        """Open the store, check its audit chain against the checkpoint kept outside it, and say
        loudly when it does not verify. Nothing is written before the store opened: a store
        that cannot be read is left as it was, with nothing beside it."""
        key_path = audit_key_path(self.common)
        try:
            audit_key = tokens.read_key(key_path) if key_path.exists() else tokens.new_key()
            store = PolicyStore(
                self.common.data_path / "policy.db",
                self.settings.max_store_bytes,
                audit_key=audit_key,
            )
        except (StoreError, ValueError, OSError) as exc:
            raise StartupError(str(exc)) from exc
        if not key_path.exists():
            tokens.save_new_key(key_path, audit_key)
        checkpoint = AuditCheckpoint(self.common.data_path / CHECKPOINT_FILE)
        check, seen = audit_check_at_start(store, checkpoint)
        writer = StoreWriter(store, self.bus, checkpoint, seen)
        writer.show_chain(check.ok, check.head)
        if check.ok:
            checkpoint.write(store.head())
        else:
            store.record_verify_failure(check.problem)
            checkpoint.write(store.head())
        return writer

    async def teardown(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.writer.store.close()

    def servicers(self) -> Sequence[rpc.AddServicer]:
        api = PolicyApi(
            lease_s=self.settings.lease_s,
            mute=self.mute,
            sessions=self.sessions,
            push_to_talk=PushToTalk(self.sessions, self.mute, self.settings.lease_s),
            recorder=self.recorder,
            retention=self.retention,
            writer=self.writer,
            reject=self.reject,
            limits=self._rate_limits(),
            gate=Gate(self.name),
            spoken=SpokenRequests(self.recorder.ledger),
        )
        return (lambda server: policy_pb2_grpc.add_PolicyServicer_to_server(api, server),)

    def _rate_limits(self) -> dict[str, RateLimiter]:
        privacy = (self.settings.privacy_requests_per_s, self.settings.privacy_request_burst)
        return {
            "privacy_forget": RateLimiter(*privacy),
            "privacy_export": RateLimiter(*privacy),
            "session_request": RateLimiter(
                self.settings.session_requests_per_s, self.settings.session_request_burst
            ),
        }

    def subscriptions(self) -> Sequence[Sub]:
        recorder = self.recorder
        return (
            Sub.to(
                topics.MUTE_COMMAND,
                self.mute.on_mute_command,
                "mute_command",
            ),
            Sub.to(topics.TRANSCRIPT, recorder.on_transcript, "transcript"),
            Sub.to(
                topics.INTENT_RECOGNIZED,
                recorder.on_intent,
                "intent",
            ),
            Sub.to(topics.INTENT_RECOGNIZED, self.sessions.follow_ups.on_intent, "intent"),
            Sub.to(
                topics.INTENT_NOT_RECOGNIZED,
                recorder.on_not_recognized,
                "not_recognized",
            ),
        )

    def offers(self) -> events_pb2.Offers:
        return events_pb2.Offers(
            policy=events_pb2.PolicyOffers(sites=self.common.sites, lease_s=self.settings.lease_s)
        )

    async def on_bus_connected(self) -> None:
        self.mute.publish_all()
        self.writer.publish_head(always=True)
        await self.mute.wake_capture_streams()  # capture may resume: mute commands can reach policy
