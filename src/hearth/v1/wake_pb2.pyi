import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from hearth.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DetectStart(_message.Message):
    __slots__ = ("site", "format", "sensitivity", "reference")
    SITE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    SENSITIVITY_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    site: str
    format: _common_pb2.AudioFormat
    sensitivity: float
    reference: bool
    def __init__(self, site: _Optional[str] = ..., format: _Optional[_Union[_common_pb2.AudioFormat, _Mapping]] = ..., sensitivity: _Optional[float] = ..., reference: _Optional[bool] = ...) -> None: ...

class DetectRequest(_message.Message):
    __slots__ = ("start", "audio")
    START_FIELD_NUMBER: _ClassVar[int]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    start: DetectStart
    audio: _common_pb2.AudioChunk
    def __init__(self, start: _Optional[_Union[DetectStart, _Mapping]] = ..., audio: _Optional[_Union[_common_pb2.AudioChunk, _Mapping]] = ...) -> None: ...

class Detection(_message.Message):
    __slots__ = ("wake_word", "engine", "score", "level_dbfs", "end_sample", "detected_at", "trace_id")
    WAKE_WORD_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_DBFS_FIELD_NUMBER: _ClassVar[int]
    END_SAMPLE_FIELD_NUMBER: _ClassVar[int]
    DETECTED_AT_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    wake_word: str
    engine: str
    score: float
    level_dbfs: float
    end_sample: int
    detected_at: _timestamp_pb2.Timestamp
    trace_id: str
    def __init__(self, wake_word: _Optional[str] = ..., engine: _Optional[str] = ..., score: _Optional[float] = ..., level_dbfs: _Optional[float] = ..., end_sample: _Optional[int] = ..., detected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., trace_id: _Optional[str] = ...) -> None: ...

class DetectResponse(_message.Message):
    __slots__ = ("ready", "detection")
    READY_FIELD_NUMBER: _ClassVar[int]
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    ready: DetectReady
    detection: Detection
    def __init__(self, ready: _Optional[_Union[DetectReady, _Mapping]] = ..., detection: _Optional[_Union[Detection, _Mapping]] = ...) -> None: ...

class DetectReady(_message.Message):
    __slots__ = ("engine", "wake_words")
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    WAKE_WORDS_FIELD_NUMBER: _ClassVar[int]
    engine: str
    wake_words: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, engine: _Optional[str] = ..., wake_words: _Optional[_Iterable[str]] = ...) -> None: ...
