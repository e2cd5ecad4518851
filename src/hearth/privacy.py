"""Names the privacy promise is built from, shared by the services that keep it.

The privacy commands are handled by the intent service (it calls policy); policy never stores
their transcripts, so "delete what I just said" does not leave itself behind.
"""

from __future__ import annotations

STOP_LISTENING = "HearthStopListening"
FORGET_LAST = "HearthForgetLast"
FORGET_TODAY = "HearthForgetToday"
WHAT_DID_YOU_HEAR = "HearthWhatDidYouHear"

PRIVACY_INTENTS = frozenset({STOP_LISTENING, FORGET_LAST, FORGET_TODAY, WHAT_DID_YOU_HEAR})
