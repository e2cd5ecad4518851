"""Follow-ups: a session without a wake word, right after an answer that asked something back.

Policy grants one only for a session it granted at the same site, whose intent (intent.recognized,
which only the intent service can publish) said the conversation continues, once per session and
within `follow_up_window_s` of that event (the answer's playback fits in it). The desk refuses
unknown, muted and busy sites first: mute always wins. A follow-up session is a session like any
other, so its own answer may ask again (a chain, each link once).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from hearth import topics
from hearth.v1 import events_pb2

REMEMBERED = 1000
"""Sessions remembered for a follow-up; older ones are forgotten (a flood cannot grow it)."""

Clock = Callable[[], float]


@dataclass
class Answered:
    """What policy knows of one granted session, for following it up."""

    site: str
    continues_at: float | None = None
    """When intent said its answer continues the conversation; None until then."""
    followed: bool = False


class FollowUps:
    def __init__(self, window_s: float, clock: Clock = time.time) -> None:
        self.window_s = window_s
        self.clock = clock
        self._sessions: OrderedDict[str, Answered] = OrderedDict()

    def granted(self, session_id: str, site: str) -> None:
        """Every session policy grants may be followed up, if its answer asks."""
        self._sessions[session_id] = Answered(site)
        while len(self._sessions) > REMEMBERED:
            self._sessions.popitem(last=False)

    async def on_intent(self, topic: str, recognized: events_pb2.IntentRecognized) -> None:
        """intent.recognized: when it continues the conversation, the session may be followed."""
        session = self._sessions.get(recognized.header.session_id)
        if not recognized.continue_conversation or session is None:
            return
        if topics.site_of(topic) == session.site and session.continues_at is None:
            session.continues_at = self.clock()

    def refusal(self, follows_session: str, site: str) -> str:
        """Why a follow-up of `follows_session` at `site` is refused now; empty when it may go
        ahead (then call followed())."""
        if not follows_session:
            return "a follow-up must name the session it follows"
        session = self._sessions.get(follows_session)
        if session is None or session.site != site:
            return "policy granted no such session at this site"
        if session.continues_at is None:
            return "no answer asked for a follow-up"
        if session.followed:
            return "that answer was already followed up"
        if self.clock() - session.continues_at > self.window_s:
            return f"too late: a follow-up must come within {self.window_s:g} s of the answer"
        return ""

    def followed(self, follows_session: str) -> None:
        """A follow-up was granted: that session can be followed no more."""
        session = self._sessions.get(follows_session)
        if session is not None:
            session.followed = True
