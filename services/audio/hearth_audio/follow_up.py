"""A follow-up session nobody speaks in ends soon.

stt ends a session at the end of an utterance, which needs an utterance: in silence, a session
would run to policy's session_max_s (10 s by default), holding the microphone open for nothing
after every answer that continues the conversation. So the site ends the session itself when no
speech has started within audio.follow_up_listen_s.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from hearth import pcm

SPEECH_DBFS = -40.0
"""A chunk this loud may be speech. A quiet room measures -60 to -50 dBFS; a person speaking to
the device, -35 to -15. Noise above it only keeps the session to its usual maximum."""
SPEECH_RUN_S = 0.15
"""Loud audio must last this long to count (a click or a door is shorter)."""


class SilenceWatch:
    def __init__(self, listen_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.deadline = clock() + listen_s
        self.heard = False
        self._loud_s = 0.0

    def timed_out(self, chunk: bytes) -> bool:
        """Take the next chunk; True once listen_s passed without speech starting."""
        if self.heard:
            return False
        if pcm.level_dbfs(pcm.to_samples(chunk)) >= SPEECH_DBFS:
            self._loud_s += pcm.seconds(len(chunk))
            self.heard = self._loud_s >= SPEECH_RUN_S
        else:
            self._loud_s = 0.0
        return not self.heard and self.clock() >= self.deadline
