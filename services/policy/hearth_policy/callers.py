"""Who asks policy for something, and whether a privacy operation from intent was really spoken.

Intent holds no admin rights: it may mute a room, forget or read back what was said only as the
voice of a command, in a session policy granted at that room whose transcript stt published (the
broker lets only stt publish transcripts), and once per session. A forged transcript cannot reach
intent, and a compromised intent cannot act for a session that did not happen.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque

from hearth_policy.ledger import SessionLedger

ACTOR_OF = {"intent": "voice"}
"""How the audit names an identity's requests (the owner `hearth` and satellites by name)."""
TRANSCRIPT_WAIT_S = 2.0
"""Intent hears a transcript at the same moment policy does: wait this long for policy's copy."""
REMEMBERED_USES = 1000


def actor(identity: str) -> str:
    """The audit's actor for a caller: from its certificate, never from the request."""
    return ACTOR_OF.get(identity, identity)


class SpokenRequests:
    """Grants each transcribed session one privacy operation on intent's behalf."""

    def __init__(self, ledger: SessionLedger) -> None:
        self.ledger = ledger
        self._used: deque[str] = deque(maxlen=REMEMBERED_USES)

    async def refusal(self, session_id: str, site: str) -> str:
        """Why intent may not act for this session; empty when it may (and the session is used)."""
        if not session_id:
            return "no session named"
        if session_id in self._used:
            return "this session has already been used for a privacy operation"
        deadline = time.monotonic() + TRANSCRIPT_WAIT_S
        while True:
            session = self.ledger.get(session_id)
            if session is not None and session.site != site:
                return "the session belongs to another site"
            if session is not None and session.transcript is not None:
                self._used.append(session_id)
                return ""
            if time.monotonic() >= deadline:
                return (
                    "no open session with a transcript"
                    if session is not None
                    else "policy granted no such session, or it has ended"
                )
            await asyncio.sleep(0.05)
