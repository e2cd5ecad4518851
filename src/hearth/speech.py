"""Say requests (hearth/v1/tts/<site>/say), built and checked the same way by everyone who speaks
at a site: the intent service's answers, plugins and timers, and `hearth say`.

The checks here are the sender's, so a mistake is told to whoever made it (a plugin gets a
ValueError, a person an exit code) instead of becoming a `failed` event at the site; the tts
service still refuses on its own what it cannot speak.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from hearth import events
from hearth.v1 import events_pb2

MAX_SAY_CHARS = 1000
"""The longest text a say request may carry: a few spoken paragraphs. An answer can repeat what
was said (at most events.MAX_TRANSCRIPT_CHARS), so answers fit; the tts service's own
max_text_chars should not be lower."""

PURPOSES = ("answer", "not_recognized", "timer", "announcement")
"""Why something is said: a metric label and what people watching see (never the text)."""


def new_say_id() -> str:
    """Tells one request's started and finished events apart from every other's."""
    return uuid.uuid4().hex[:16]


def refusal(site: str, text: str, sites: Collection[str], purpose: str = "announcement") -> str:
    """Why this cannot be said at `site`; empty when it can."""
    if site not in sites:
        known = ", ".join(sites) or "none"
        return f"unknown site {site!r} (known: {known})"
    if not text.strip():
        return "there is nothing to say (the text is empty)"
    if len(text) > MAX_SAY_CHARS:
        return f"the text has {len(text)} characters; at most {MAX_SAY_CHARS} can be said at once"
    if purpose not in PURPOSES:
        return f"unknown purpose {purpose!r} (one of {', '.join(PURPOSES)})"
    return ""


def say_request(
    producer: str,
    site: str,
    text: str,
    *,
    purpose: str,
    chime: bool = False,
    continue_conversation: bool = False,
    voice: str = "",
    session_id: str = "",
    trace_id: str = "",
) -> events_pb2.SayRequest:
    """A say request with a fresh say_id (the caller checked it with refusal())."""
    return events_pb2.SayRequest(
        header=events.header(producer, site=site, session_id=session_id, trace_id=trace_id),
        text=text,
        say_id=new_say_id(),
        voice=voice,
        chime=chime,
        continue_conversation=continue_conversation,
        purpose=purpose,
    )
