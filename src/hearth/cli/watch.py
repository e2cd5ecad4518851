"""Watching the bus: a one-line readable form of each event people watch (topics.SHOWN)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message

from hearth.v1 import common_pb2, events_pb2


def as_dict(kind: str, topic: str, message: Message) -> dict[str, object]:
    body = json_format.MessageToDict(
        message, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )
    return {"event": kind, "topic": topic, **body}


def as_json_line(kind: str, topic: str, message: Message) -> str:
    return json.dumps(as_dict(kind, topic, message), ensure_ascii=False)


def describe(kind: str, message: Message, show_words: bool = False) -> str:
    """What happened, for a person watching `hearth up`. What people said (transcripts, and the
    answers that can repeat it) only with show_words: a terminal, its scroll-back or a log file
    must not keep the words unless the owner asked for them."""
    site = message.header.site if message.DESCRIPTOR.fields_by_name.get("header") else ""  # type: ignore[attr-defined]
    details = _DETAILS if show_words else {**_DETAILS, **_WORDLESS_DETAILS}
    detail = details.get(kind, lambda m: "")(message)
    return f"{site or '-':<12} {kind:<22} {detail}".rstrip()


_TRIGGERS = {
    common_pb2.TRIGGER_PUSH_TO_TALK: ", push-to-talk",
    common_pb2.TRIGGER_FOLLOW_UP: ", follow-up",
}
"""How a session without a wake word is told apart."""


def speech_outcome(message: events_pb2.SpeechFinished) -> str:
    """How something said at a site ended, in a few words (never its text)."""
    outcome = message.outcome
    if outcome == events_pb2.SpeechFinished.OUTCOME_PLAYED:
        return f"played {message.played_s:.1f} s"
    if outcome == events_pb2.SpeechFinished.OUTCOME_INTERRUPTED:
        why = f" ({message.detail})" if message.detail else ""
        return f"interrupted after {message.played_s:.1f} s{why}"
    if outcome == events_pb2.SpeechFinished.OUTCOME_NO_OUTPUT:
        return "no output device"
    return f"failed: {message.detail or 'no reason given'}"


def _slots(message: events_pb2.IntentRecognized) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(message.slots.items()))


def _hidden(text: str) -> str:
    return f"[{len(text)} characters; --show-words shows them]"


_DETAILS: dict[str, Callable[[Any], str]] = {
    "wake.detected": lambda m: f"{m.wake_word!r} score {m.score:.2f} via {m.engine}",
    "session.started": lambda m: f"up to {m.max_length_s:.0f} s{_TRIGGERS.get(m.trigger, '')}",
    "session.refused": lambda m: m.reason,
    "session.ended": lambda m: (
        f"{events_pb2.SessionEnded.Outcome.Name(m.outcome).removeprefix('OUTCOME_').lower()}, "
        f"{m.audio_s:.1f} s of audio"
    ),
    "stt.transcript": lambda m: f"{m.text!r} ({m.engine}, {m.mode})",
    "intent.recognized": lambda m: (
        f"{m.intent} {_slots(m)}" + (f" → {m.speech!r}" if m.speech else "")
    ),
    "intent.not_recognized": lambda m: f"no intent for {m.text!r}",
    "policy.mute": lambda m: "muted" if m.muted else "listening",
    "tts.started": lambda m: f"{m.purpose or 'speech'} (voice {m.voice or 'default'})",
    "tts.finished": lambda m: f"{m.purpose or 'speech'}: {speech_outcome(m)}",
}
_WORDLESS_DETAILS: dict[str, Callable[[Any], str]] = {
    "stt.transcript": lambda m: f"{_hidden(m.text)} ({m.engine}, {m.mode})",
    "intent.recognized": lambda m: (
        f"{m.intent} {_slots(m)}" + (f" → answer {_hidden(m.speech)}" if m.speech else "")
    ),
    "intent.not_recognized": lambda m: f"no intent for {_hidden(m.text)}",
}
"""The same events without the words: what `hearth up` prints unless --show-words."""
