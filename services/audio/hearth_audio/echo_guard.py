"""No self-wake, and barge-in: is a wake word the microphone heard while the site spoke its own
answer, or a person talking over it?

What the site plays also goes to the wake service as a second, *reference* stream. When the answer
itself carries the wake phrase, the reference stream detects it too, at about the time the
microphone hears it: that detection is the site's own voice and is ignored. A microphone detection
that no reference detection matches is a person: barge-in. This needs nothing of the answer's text.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from collections import deque
from collections.abc import Callable

MATCH_S = 1.5
"""A reference detection this close to a microphone detection is the same words: the answer is
written a little ahead of playing, the player and the room add their delays, and the two streams
reach the detector at different moments."""
AFTER_PLAYBACK_S = 1.5
"""The microphone may still report the answer's last words this long after playback ended."""
CATCH_UP_S = 0.5
"""How long a microphone detection waits for a reference detection before it counts as a
person's. The reference comes first: it is written ahead of playing, and the player and the room
delay what the microphone hears (in the stack tests it led by 0.4-0.5 s). This wait is most of a
barge-in's delay beyond the detection itself."""
REMEMBERED = 16


class Verdict(enum.Enum):
    NOT_SPEAKING = "not_speaking"
    """The site was not playing: an ordinary wake word."""
    OWN_VOICE = "own_voice"
    BARGE_IN = "barge_in"


class EchoWindow:
    """The decision itself, on timestamps (monotonic seconds), so it can be reasoned about and
    tested apart from streams and clocks."""

    def __init__(
        self,
        match_s: float = MATCH_S,
        after_playback_s: float = AFTER_PLAYBACK_S,
        catch_up_s: float = CATCH_UP_S,
    ) -> None:
        self.match_s = match_s
        self.after_playback_s = after_playback_s
        self.catch_up_s = catch_up_s
        self.playing = False
        self.ended_at: float | None = None
        self.references: deque[float] = deque(maxlen=REMEMBERED)

    def playback_started(self) -> None:
        self.playing = True

    def playback_ended(self, at: float) -> None:
        self.playing = False
        self.ended_at = at

    def reference_detected(self, at: float) -> None:
        self.references.append(at)

    def speaking(self, at: float) -> bool:
        """Whether the site's own voice may be in what the microphone heard at `at`."""
        if self.playing:
            return True
        return self.ended_at is not None and at - self.ended_at <= self.after_playback_s

    def reference_lead(self, heard_at: float) -> float | None:
        """How long before heard_at the nearest reference detection came (negative: after)."""
        if not self.references:
            return None
        return heard_at - min(self.references, key=lambda at: abs(at - heard_at))

    def verdict(self, heard_at: float, now: float) -> Verdict | None:
        """The verdict on a microphone detection at heard_at, or None while a reference detection
        may still come."""
        if not self.speaking(heard_at):
            return Verdict.NOT_SPEAKING
        if any(abs(at - heard_at) <= self.match_s for at in self.references):
            return Verdict.OWN_VOICE
        if now - heard_at >= self.catch_up_s:
            return Verdict.BARGE_IN
        return None


class EchoGuard:
    """EchoWindow on the event loop: a microphone detection waits briefly for the reference."""

    def __init__(
        self, window: EchoWindow | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window = window or EchoWindow()
        self.clock = clock
        self._changed = asyncio.Event()

    def playback_started(self) -> None:
        self.window.playback_started()

    def playback_ended(self) -> None:
        self.window.playback_ended(self.clock())

    def reference_detected(self) -> None:
        self.window.reference_detected(self.clock())
        self._changed.set()

    async def judge(self, heard_at: float) -> Verdict:
        while (verdict := self.window.verdict(heard_at, self.clock())) is None:
            self._changed.clear()
            remaining = heard_at + self.window.catch_up_s - self.clock()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), max(0.01, remaining))
        return verdict
