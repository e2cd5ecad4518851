from hearth.v1 import events_pb2 as _events_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class RecognizeRequest(_message.Message):
    __slots__ = ("text", "site", "handle")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    HANDLE_FIELD_NUMBER: _ClassVar[int]
    text: str
    site: str
    handle: bool
    def __init__(self, text: _Optional[str] = ..., site: _Optional[str] = ..., handle: _Optional[bool] = ...) -> None: ...

class RecognizeReply(_message.Message):
    __slots__ = ("recognized", "intent", "slots", "speech")
    class SlotsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    RECOGNIZED_FIELD_NUMBER: _ClassVar[int]
    INTENT_FIELD_NUMBER: _ClassVar[int]
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    SPEECH_FIELD_NUMBER: _ClassVar[int]
    recognized: bool
    intent: str
    slots: _containers.ScalarMap[str, str]
    speech: str
    def __init__(self, recognized: _Optional[bool] = ..., intent: _Optional[str] = ..., slots: _Optional[_Mapping[str, str]] = ..., speech: _Optional[str] = ...) -> None: ...

class GetVocabularyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
