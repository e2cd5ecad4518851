"""Event payloads: protobuf messages in their JSON mapping, with the header every event carries."""

from __future__ import annotations

import time
import uuid
from typing import TypeVar

from google.protobuf import json_format
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from hearth.v1 import common_pb2

MessageT = TypeVar("MessageT", bound=Message)

MAX_TRANSCRIPT_CHARS = 1000
"""The longest transcript stt publishes and intent accepts. A session lasts seconds (at most a
minute), so no spoken command comes near it; a longer one is a stuck decoder or a forgery, and
everything that handles transcripts (matching, storing, answering) stays bounded by it."""


def cut_transcript(text: str) -> str:
    """The text within MAX_TRANSCRIPT_CHARS, cut at a word boundary when there is one."""
    if len(text) <= MAX_TRANSCRIPT_CHARS:
        return text
    cut = text[:MAX_TRANSCRIPT_CHARS]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip()


class MalformedPayload(ValueError):
    """A payload that is not the message its topic promises; the reason never quotes the payload."""


def now_timestamp() -> Timestamp:
    stamp = Timestamp()
    stamp.FromNanoseconds(time.time_ns())
    return stamp


def timestamp_from_seconds(seconds: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


def seconds_since(stamp: Timestamp) -> float | None:
    """Age of a timestamp in seconds, or None when it is unset (so no bogus latency is recorded)."""
    if stamp.seconds == 0 and stamp.nanos == 0:
        return None
    return max(0.0, (time.time_ns() - stamp.ToNanoseconds()) / 1e9)


def new_trace_id() -> str:
    return uuid.uuid4().hex[:16]


def header(
    producer: str, site: str = "", session_id: str = "", trace_id: str = ""
) -> common_pb2.EventHeader:
    """A fresh header stamped now; pass the trace id on so one command can be followed across
    hops."""
    return common_pb2.EventHeader(
        site=site,
        session_id=session_id,
        trace_id=trace_id or new_trace_id(),
        producer=producer,
        sent_at=now_timestamp(),
    )


def encode(message: Message) -> bytes:
    """JSON mapping, field names as in the .proto, so `mosquitto_sub` shows what docs/protocol.md
    describes."""
    return json_format.MessageToJson(
        message,
        preserving_proto_field_name=True,
        indent=None,
        always_print_fields_with_no_presence=True,
    ).encode()


def decode(payload: bytes, message_type: type[MessageT]) -> MessageT:
    """Parse a JSON payload into message_type; unknown fields are tolerated so newer producers
    don't break us."""
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedPayload("payload is not UTF-8 text") from None
    message = message_type()
    try:
        json_format.Parse(text, message, ignore_unknown_fields=True)
    except json_format.ParseError as exc:
        raise MalformedPayload(
            f"not a valid {message_type.DESCRIPTOR.name}: {_short(str(exc))}"
        ) from None
    return message


def _short(reason: str) -> str:
    """Parse errors can quote payload content; keep only the first clause, bounded."""
    return reason.split("\n", 1)[0][:120]
