import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from hearth.v1 import common_pb2 as _common_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TranscribeStart(_message.Message):
    __slots__ = ("session_token", "site", "format", "trace_id", "lead_in_s")
    SESSION_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    LEAD_IN_S_FIELD_NUMBER: _ClassVar[int]
    session_token: str
    site: str
    format: _common_pb2.AudioFormat
    trace_id: str
    lead_in_s: float
    def __init__(self, session_token: _Optional[str] = ..., site: _Optional[str] = ..., format: _Optional[_Union[_common_pb2.AudioFormat, _Mapping]] = ..., trace_id: _Optional[str] = ..., lead_in_s: _Optional[float] = ...) -> None: ...

class TranscribeRequest(_message.Message):
    __slots__ = ("start", "audio", "end")
    START_FIELD_NUMBER: _ClassVar[int]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    start: TranscribeStart
    audio: _common_pb2.AudioChunk
    end: AudioEnd
    def __init__(self, start: _Optional[_Union[TranscribeStart, _Mapping]] = ..., audio: _Optional[_Union[_common_pb2.AudioChunk, _Mapping]] = ..., end: _Optional[_Union[AudioEnd, _Mapping]] = ...) -> None: ...

class AudioEnd(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class PartialTranscript(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class FinalTranscript(_message.Message):
    __slots__ = ("text", "confidence", "end_of_speech_at", "audio_s", "end_of_speech")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    END_OF_SPEECH_AT_FIELD_NUMBER: _ClassVar[int]
    AUDIO_S_FIELD_NUMBER: _ClassVar[int]
    END_OF_SPEECH_FIELD_NUMBER: _ClassVar[int]
    text: str
    confidence: float
    end_of_speech_at: _timestamp_pb2.Timestamp
    audio_s: float
    end_of_speech: bool
    def __init__(self, text: _Optional[str] = ..., confidence: _Optional[float] = ..., end_of_speech_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., audio_s: _Optional[float] = ..., end_of_speech: _Optional[bool] = ...) -> None: ...

class TranscribeResponse(_message.Message):
    __slots__ = ("partial", "final")
    PARTIAL_FIELD_NUMBER: _ClassVar[int]
    FINAL_FIELD_NUMBER: _ClassVar[int]
    partial: PartialTranscript
    final: FinalTranscript
    def __init__(self, partial: _Optional[_Union[PartialTranscript, _Mapping]] = ..., final: _Optional[_Union[FinalTranscript, _Mapping]] = ...) -> None: ...
