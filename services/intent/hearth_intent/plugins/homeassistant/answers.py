"""What to say from Home Assistant's IntentResponse (the shape both the intent API and the
conversation API answer with)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DONE = "Done."
FAILED = "Sorry, Home Assistant could not do that."


def speech_of(response: Mapping[str, Any]) -> str:
    """response.speech.plain.speech, or "" when Home Assistant said nothing."""
    speech = response.get("speech")
    plain = speech.get("plain") if isinstance(speech, Mapping) else None
    text = plain.get("speech") if isinstance(plain, Mapping) else None
    return text.strip() if isinstance(text, str) else ""


def error_code(response: Mapping[str, Any]) -> str | None:
    """The error code of an `error` response (no_intent_match, no_valid_targets, ...), else
    None."""
    if response.get("response_type") != "error":
        return None
    data = response.get("data")
    code = data.get("code") if isinstance(data, Mapping) else None
    return code if isinstance(code, str) else "unknown"


def spoken_answer(response: Mapping[str, Any]) -> str:
    """Home Assistant's own words when it has any; otherwise a short acknowledgement, or a short
    failure for an error response."""
    return speech_of(response) or (FAILED if error_code(response) else DONE)
