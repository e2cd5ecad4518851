"""Granting, refusing and closing sessions: one at a time per site, none on a muted site, and one
site per command when several hear it (arbitration).

A session opens after a wake word, at a talk button's press (push-to-talk), or right after an
answer that asked something back (a follow-up, follow_ups.py); all are authorised here in the same
way. Only a wake word is put in contest with other sites: a button is pressed at one site, and a
follow-up continues one site's conversation, while arbitration is for one spoken command heard by
several. Only a wake word's session carries pre-roll: the others have no audio from before they
were asked for.

A granted session gets a signed token that speech-to-text and the clip store check; the ledger
is told of every session opened and closed, so what it produced can be recorded later.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass

from hearth import events, metrics, tokens, topics
from hearth.bus import Bus
from hearth.v1 import common_pb2, events_pb2, policy_pb2
from hearth_policy import SERVICE, Reject
from hearth_policy import policy_metrics as pm
from hearth_policy.arbitration import Arbiter, Bid
from hearth_policy.follow_ups import FollowUps
from hearth_policy.ledger import SessionLedger
from hearth_policy.mute import MuteControl
from hearth_policy.settings import PolicySettings

log = logging.getLogger(__name__)

TRIGGERS = {
    common_pb2.TRIGGER_WAKE_WORD: "wake_word",
    common_pb2.TRIGGER_PUSH_TO_TALK: "push_to_talk",
    common_pb2.TRIGGER_FOLLOW_UP: "follow_up",
}
"""What opened a session, as the session log names it."""

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


class SessionDesk:
    def __init__(
        self,
        settings: PolicySettings,
        key: bytes,
        mute: MuteControl,
        ledger: SessionLedger,
        bus: Bus,
        reject: Reject,
    ) -> None:
        self.settings = settings
        self.key = key
        """Signs the session tokens."""
        self.mute = mute
        self.ledger = ledger
        self.bus = bus
        self.reject = reject
        self.arbiter = Arbiter(settings.arbitration_window_s)
        self.follow_ups = FollowUps(settings.follow_up_window_s)
        """Fed intent.recognized by the service: which answers asked for a follow-up."""
        self.active: dict[str, ActiveSession] = {}
        """The session in progress per site."""

    async def request_session(self, request: policy_pb2.SessionRequest) -> policy_pb2.SessionGrant:
        site = request.site
        trace_id = request.trace_id or events.new_trace_id()
        refusal = self.refusal(site)
        if not refusal and request.trigger == common_pb2.TRIGGER_FOLLOW_UP:
            refusal = self.follow_ups.refusal(request.follows_session, site)
        elif not refusal and request.trigger != common_pb2.TRIGGER_PUSH_TO_TALK:
            detected = (
                request.detected_at.ToNanoseconds() / 1e9
                if request.HasField("detected_at")
                else None
            )
            rivals = self.mute.others_listening(site)
            winner = await self.arbiter.winner(
                Bid(site, request.score, request.level_dbfs), detected, rivals
            )
            if winner != site:
                return self._refuse(site, trace_id, f"superseded by {winner}", "superseded")
            refusal = self.refusal(site)  # muted while the contest ran
        if refusal:
            return self._refuse(site, trace_id, refusal, "refused")
        return self._grant(request, trace_id)

    def refusal(self, site: str, now: float | None = None) -> str:
        """Why the site may not have a session now; empty when it may."""
        record = self.mute.records.get(site)
        if record is None:
            return f"unknown site {site!r}"
        if record.muted:
            return "site is muted"
        active = self.active.get(site)
        if active is not None and active.expires_at > (time.time() if now is None else now):
            return "a session is already in progress on this site"
        return ""

    def _refuse(
        self, site: str, trace_id: str, reason: str, outcome: str
    ) -> policy_pb2.SessionGrant:
        self.bus.publish(
            # A name that is not a site's (a client's garbage, `+`, `kitchen/#`) must not
            # shape the topic.
            topics.SESSION_REFUSED.topic(site if topics.is_site_name(site) else "unknown"),
            events_pb2.SessionRefused(
                header=events.header(SERVICE, site=site, trace_id=trace_id), reason=reason
            ),
        )
        if self.mute.knows(site):
            pm.SESSIONS.labels(site, outcome).inc()
        log.info("session refused for site %r: %s", site, reason)
        return policy_pb2.SessionGrant(
            granted=False, reason=reason, superseded=outcome == "superseded"
        )

    def _grant(self, request: policy_pb2.SessionRequest, trace_id: str) -> policy_pb2.SessionGrant:
        site = request.site
        settings = self.settings
        now = time.time()
        session_id = uuid.uuid4().hex
        expires_at = now + settings.session_max_s + settings.token_grace_s
        claims = tokens.SessionClaims(session_id, site, now, expires_at, settings.session_max_s)
        self.active[site] = ActiveSession(session_id, site, trace_id, expires_at)
        trigger = TRIGGERS.get(request.trigger, "wake_word")
        woken = trigger == "wake_word"
        # Without a wake word there is no audio from before it was asked for: that is pre-roll.
        preroll_s = settings.preroll_s if woken else 0.0
        self.ledger.open(session_id, site, trace_id, expires_at, trigger)
        self.follow_ups.granted(session_id, site)
        if trigger == "follow_up":
            self.follow_ups.followed(request.follows_session)
        self.bus.publish(
            topics.SESSION_STARTED.topic(site),
            events_pb2.SessionStarted(
                header=events.header(SERVICE, site=site, session_id=session_id, trace_id=trace_id),
                wake_word=request.wake_word,
                max_length_s=settings.session_max_s,
                preroll_s=preroll_s,
                expires_at=events.timestamp_from_seconds(expires_at),
                trigger=request.trigger,
            ),
        )
        if not woken:
            log.info("%s session granted for site %r", trigger.replace("_", "-"), site)
        else:
            latency = events.seconds_since(request.detected_at)
            if latency is not None:
                metrics.HOP_LATENCY.labels("wake_to_session").observe(latency)
        return policy_pb2.SessionGrant(
            granted=True,
            session_id=session_id,
            token=tokens.sign(self.key, claims),
            max_length_s=settings.session_max_s,
            preroll_s=preroll_s,
            expires_at=events.timestamp_from_seconds(expires_at),
            keep_audio=settings.retention.audio_s > 0,
            trace_id=trace_id,
        )

    def close_session(self, request: policy_pb2.SessionEndRequest) -> None:
        active = self.active.get(request.site)
        if active is None or active.session_id != request.session_id:
            self.reject(
                "session_end",
                "unknown_session",
                f"end of a session that is not active on site {request.site!r}",
            )
            return
        del self.active[request.site]
        outcome = SESSION_OUTCOMES.get(
            request.outcome.upper(), events_pb2.SessionEnded.OUTCOME_ERROR
        )
        self.ledger.ended(
            request.session_id,
            events_pb2.SessionEnded.Outcome.Name(outcome).removeprefix("OUTCOME_").lower(),
        )
        self.bus.publish(
            topics.SESSION_ENDED.topic(request.site),
            events_pb2.SessionEnded(
                header=events.header(
                    SERVICE,
                    site=request.site,
                    session_id=request.session_id,
                    trace_id=active.trace_id,
                ),
                outcome=outcome,  # type: ignore[arg-type]
                audio_s=request.audio_s,
                detail=request.detail,
            ),
        )
