"""What policy learns about each session as its events arrive, until the session can be recorded.

A session's transcript, its intent result and its end come from three services in no fixed order;
the ledger waits for the end and the result (or for a deadline when one never comes), then says
how the session ended. Per-session state lives only here and is dropped once recorded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

MAX_OPEN = 1000
"""Bound on sessions awaiting their events (a satellite flood cannot grow it without limit)."""

_END_OUTCOMES = {
    "end_of_speech": "not_recognized",
    "max_length": "timeout",
    "error": "error",
    "cancelled": "cancelled",
}


@dataclass
class OpenSession:
    session_id: str
    site: str
    trace_id: str
    deadline: float
    trigger: str = "wake_word"
    """What opened it: "wake_word", "push_to_talk" or "follow_up"."""
    transcript: str | None = None
    intent: str | None = None
    slots: dict[str, str] = field(default_factory=dict)
    not_recognized: bool = False
    end_outcome: str | None = None

    @property
    def result_known(self) -> bool:
        return self.intent is not None or self.not_recognized

    @property
    def outcome(self) -> str:
        if self.intent is not None:
            return "intent"
        if self.not_recognized:
            return "not_recognized"
        return _END_OUTCOMES.get(self.end_outcome or "", "error")


class SessionLedger:
    def __init__(self, settle_s: float) -> None:
        self.settle_s = settle_s
        self.open_sessions: dict[str, OpenSession] = {}

    def open(
        self,
        session_id: str,
        site: str,
        trace_id: str,
        expires_at: float,
        trigger: str = "wake_word",
    ) -> None:
        if len(self.open_sessions) >= MAX_OPEN:
            oldest = min(self.open_sessions.values(), key=lambda s: s.deadline)
            oldest.deadline = 0.0  # recorded at the next sweep, as it stands
        self.open_sessions[session_id] = OpenSession(
            session_id, site, trace_id, expires_at + self.settle_s, trigger
        )

    def get(self, session_id: str) -> OpenSession | None:
        return self.open_sessions.get(session_id)

    def ended(self, session_id: str, outcome: str) -> None:
        session = self.open_sessions.get(session_id)
        if session is not None:
            session.end_outcome = outcome
            session.deadline = min(session.deadline, time.time() + self.settle_s)

    def due(self, now: float | None = None) -> list[OpenSession]:
        """Sessions ready to record: ended with a result, or past their deadline. Removes them."""
        now = time.time() if now is None else now
        ready = [
            s
            for s in self.open_sessions.values()
            if (s.end_outcome is not None and (s.result_known or s.end_outcome == "cancelled"))
            or now >= s.deadline
        ]
        for session in ready:
            del self.open_sessions[session.session_id]
        return ready
