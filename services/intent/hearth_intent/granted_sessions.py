"""The sessions policy granted: intent acts on a transcript only if policy started its session.

The broker already lets only stt publish transcripts; this is the second half of "act only on
events from the expected producer for a session policy granted": a transcript for a session policy
never started (a compromised or buggy stt, a replay) is refused, logged and counted, never acted on.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict

REMEMBERED = 1000
"""Bound on remembered sessions (a flood of grants cannot grow it without limit)."""
VALID_S = 120.0
"""A transcript comes within a session's maximum length (10 s) plus decoding of its grant."""
WAIT_S = 1.0
"""The grant and the transcript come from two services: give the grant this long to arrive."""


class GrantedSessions:
    def __init__(self) -> None:
        self._granted: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def granted(self, session_id: str, site: str) -> None:
        self._granted[session_id] = (site, time.monotonic())
        self._granted.move_to_end(session_id)
        while len(self._granted) > REMEMBERED:
            self._granted.popitem(last=False)

    async def refusal(self, session_id: str, site: str) -> str:
        """Why a transcript of this session may not be acted on; empty when it may."""
        deadline = time.monotonic() + WAIT_S
        while True:
            grant = self._granted.get(session_id)
            if grant is not None:
                granted_site, at = grant
                if granted_site != site:
                    return "the session was granted to another site"
                if time.monotonic() - at > VALID_S:
                    return "the session's grant is too old"
                return ""
            if time.monotonic() >= deadline:
                return "policy granted no such session"
            await asyncio.sleep(0.02)
