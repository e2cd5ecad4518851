import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SessionTrigger(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRIGGER_WAKE_WORD: _ClassVar[SessionTrigger]
    TRIGGER_PUSH_TO_TALK: _ClassVar[SessionTrigger]
    TRIGGER_FOLLOW_UP: _ClassVar[SessionTrigger]
TRIGGER_WAKE_WORD: SessionTrigger
TRIGGER_PUSH_TO_TALK: SessionTrigger
TRIGGER_FOLLOW_UP: SessionTrigger

class EventHeader(_message.Message):
    __slots__ = ("site", "session_id", "trace_id", "producer", "sent_at")
    SITE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_FIELD_NUMBER: _ClassVar[int]
    SENT_AT_FIELD_NUMBER: _ClassVar[int]
    site: str
    session_id: str
    trace_id: str
    producer: str
    sent_at: _timestamp_pb2.Timestamp
    def __init__(self, site: _Optional[str] = ..., session_id: _Optional[str] = ..., trace_id: _Optional[str] = ..., producer: _Optional[str] = ..., sent_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AudioFormat(_message.Message):
    __slots__ = ("sample_rate", "sample_width", "channels")
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_WIDTH_FIELD_NUMBER: _ClassVar[int]
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    sample_rate: int
    sample_width: int
    channels: int
    def __init__(self, sample_rate: _Optional[int] = ..., sample_width: _Optional[int] = ..., channels: _Optional[int] = ...) -> None: ...

class AudioChunk(_message.Message):
    __slots__ = ("pcm", "captured_at")
    PCM_FIELD_NUMBER: _ClassVar[int]
    CAPTURED_AT_FIELD_NUMBER: _ClassVar[int]
    pcm: bytes
    captured_at: _timestamp_pb2.Timestamp
    def __init__(self, pcm: _Optional[bytes] = ..., captured_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
