"""Recording what a session produced, once it is complete: the session-log entry, its transcript
and intent, and (only if the owner opted in) its audio clip, each with its own expiry.

A privacy command ("delete what I just said") leaves no audio behind: a clip that arrives after
its intent is refused, and one kept before the intent was known is deleted.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque

from hearth import metrics, privacy, tokens
from hearth.pcm import BYTES_PER_SECOND
from hearth.v1 import events_pb2, policy_pb2
from hearth_policy import SERVICE, Reject
from hearth_policy import policy_metrics as pm
from hearth_policy.ledger import OpenSession, SessionLedger
from hearth_policy.retention import Retention
from hearth_policy.settings import PolicySettings
from hearth_policy.store import ForgetScope, NewItem
from hearth_policy.store_writer import StoreWriter

log = logging.getLogger(__name__)


class SessionRecorder:
    def __init__(
        self,
        settings: PolicySettings,
        key: bytes,
        ledger: SessionLedger,
        writer: StoreWriter,
        retention: Retention,
        reject: Reject,
    ) -> None:
        self.settings = settings
        self.key = key
        """Checks the session tokens that come with clips."""
        self.ledger = ledger
        self.writer = writer
        self.retention = retention
        self.reject = reject
        self._privacy_sessions: deque[str] = deque(maxlen=100)
        """Recent sessions that were privacy commands: their audio is not kept either."""

    # The session's events, collected by the ledger.

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
            await self.record_due()

    async def on_not_recognized(self, topic: str, event: events_pb2.IntentNotRecognized) -> None:
        entry = self._ledger_entry(event.header.session_id, "not_recognized")
        if entry is not None:
            entry.not_recognized = True
            await self.record_due()

    # Recording complete sessions.

    async def record_forever(self) -> None:
        """Sessions whose last event never comes are recorded at their deadline."""
        while True:
            await asyncio.sleep(0.5)
            try:
                await self.record_due()
            except Exception:
                log.exception("recording finished sessions failed")
                metrics.ERRORS.labels(SERVICE, "ledger").inc()

    async def record_due(self) -> None:
        for session in self.ledger.due():
            await self._record(session)

    async def _record(self, session: OpenSession) -> None:
        pm.SESSIONS.labels(session.site, session.outcome).inc()
        if session.outcome == "not_recognized":
            if session.trigger == "wake_word":  # push-to-talk and follow-ups had no wake word
                pm.FALSE_WAKES.labels(session.site).inc()
        elif session.intent in privacy.PRIVACY_INTENTS:
            self._privacy_sessions.append(session.session_id)
            await self._drop_clip(session.session_id)
        items = self.items_to_keep(session)
        if await self.writer.write(lambda store: store.keep(items), "store") is None:
            for item in items:
                pm.NOT_STORED.labels(item.retention_class).inc()
        else:
            self.writer.storing_resumed("a session was stored")
        await self.retention.refresh_held()

    def items_to_keep(self, session: OpenSession) -> list[NewItem]:
        """The session-log entry always; the words only when they are worth keeping, and never
        those of a privacy command."""
        retention = self.settings.retention
        site, session_id = session.site, session.session_id
        items = [
            NewItem(
                "session",
                site,
                session_id,
                retention.session_s,
                outcome=session.outcome,
                trigger=session.trigger,
            )
        ]
        if session.outcome == "not_recognized":
            if retention.keep_unrecognized_transcripts and session.transcript:
                items.append(_transcript(session, session.transcript, retention.transcript_s))
        elif session.outcome == "intent" and session.intent not in privacy.PRIVACY_INTENTS:
            if session.transcript is not None:
                items.append(_transcript(session, session.transcript, retention.transcript_s))
            items.append(
                NewItem(
                    "intent",
                    site,
                    session_id,
                    retention.intent_s,
                    text=session.intent or "",
                    slots=session.slots,
                )
            )
        return items

    # Audio clips.

    def clip_refusal(self, request: policy_pb2.KeepClipRequest) -> str:
        """Check a clip before it is kept; empty when it may be kept, else why not."""
        if self.settings.retention.audio_s <= 0:
            return "the owner has not opted in to keeping audio"
        try:
            claims = tokens.verify(self.key, request.token, site=request.site)
        except tokens.TokenError as exc:
            return f"invalid session token: {exc}"
        if claims.session_id != request.session_id:
            return "the token belongs to another session"
        longest = int(self.settings.session_max_s * BYTES_PER_SECOND) + BYTES_PER_SECOND
        if len(request.pcm) > longest:
            return "the clip is longer than a session may be"
        return ""

    async def _drop_clip(self, session_id: str) -> None:
        """A privacy command's audio may have been kept before its intent was known; it goes too."""
        scope = ForgetScope(session_id=session_id, only_class="audio")
        await self.writer.write(
            lambda store: store.forget(None, scope, "privacy command"), "forget"
        )

    async def store_clip(self, request: policy_pb2.KeepClipRequest) -> bool:
        """Keeps a checked clip; False when it belongs to a privacy command or the store is full."""
        entry = self.ledger.get(request.session_id)
        if request.session_id in self._privacy_sessions or (
            entry is not None and entry.intent in privacy.PRIVACY_INTENTS
        ):
            log.info("audio of a privacy command on site %s is not kept", request.site)
            return False
        item = NewItem(
            "audio",
            request.site,
            request.session_id,
            self.settings.retention.audio_s,
            audio=request.pcm,
        )
        stored = await self.writer.write(lambda store: store.keep([item]), "store")
        if stored is None:
            pm.NOT_STORED.labels("audio").inc()
            return False
        self.writer.storing_resumed("an audio clip was stored")
        await self.retention.refresh_held()
        return True


def _transcript(session: OpenSession, text: str, retention_s: float) -> NewItem:
    return NewItem("transcript", session.site, session.session_id, retention_s, text=text)
