from hearth.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SynthesizeRequest(_message.Message):
    __slots__ = ("text", "voice", "site", "sample_rate", "trace_id")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    VOICE_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    text: str
    voice: str
    site: str
    sample_rate: int
    trace_id: str
    def __init__(self, text: _Optional[str] = ..., voice: _Optional[str] = ..., site: _Optional[str] = ..., sample_rate: _Optional[int] = ..., trace_id: _Optional[str] = ...) -> None: ...

class SynthesizeResponse(_message.Message):
    __slots__ = ("format", "pcm", "voice", "sentence_end")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    PCM_FIELD_NUMBER: _ClassVar[int]
    VOICE_FIELD_NUMBER: _ClassVar[int]
    SENTENCE_END_FIELD_NUMBER: _ClassVar[int]
    format: _common_pb2.AudioFormat
    pcm: bytes
    voice: str
    sentence_end: bool
    def __init__(self, format: _Optional[_Union[_common_pb2.AudioFormat, _Mapping]] = ..., pcm: _Optional[bytes] = ..., voice: _Optional[str] = ..., sentence_end: _Optional[bool] = ...) -> None: ...

class ListVoicesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Voice(_message.Message):
    __slots__ = ("name", "engine", "language", "sample_rate", "is_default")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_RATE_FIELD_NUMBER: _ClassVar[int]
    IS_DEFAULT_FIELD_NUMBER: _ClassVar[int]
    name: str
    engine: str
    language: str
    sample_rate: int
    is_default: bool
    def __init__(self, name: _Optional[str] = ..., engine: _Optional[str] = ..., language: _Optional[str] = ..., sample_rate: _Optional[int] = ..., is_default: _Optional[bool] = ...) -> None: ...

class ListVoicesReply(_message.Message):
    __slots__ = ("voices",)
    VOICES_FIELD_NUMBER: _ClassVar[int]
    voices: _containers.RepeatedCompositeFieldContainer[Voice]
    def __init__(self, voices: _Optional[_Iterable[_Union[Voice, _Mapping]]] = ...) -> None: ...
