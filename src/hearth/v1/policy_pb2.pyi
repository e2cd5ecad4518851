import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CaptureRequest(_message.Message):
    __slots__ = ("site", "client")
    SITE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_FIELD_NUMBER: _ClassVar[int]
    site: str
    client: str
    def __init__(self, site: _Optional[str] = ..., client: _Optional[str] = ...) -> None: ...

class CaptureGrant(_message.Message):
    __slots__ = ("allowed", "reason", "lease_expires_at", "lease_s")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    LEASE_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    LEASE_S_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    reason: str
    lease_expires_at: _timestamp_pb2.Timestamp
    lease_s: float
    def __init__(self, allowed: _Optional[bool] = ..., reason: _Optional[str] = ..., lease_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lease_s: _Optional[float] = ...) -> None: ...

class SessionRequest(_message.Message):
    __slots__ = ("site", "wake_word", "score", "level_dbfs", "detected_at", "trace_id")
    SITE_FIELD_NUMBER: _ClassVar[int]
    WAKE_WORD_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_DBFS_FIELD_NUMBER: _ClassVar[int]
    DETECTED_AT_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    site: str
    wake_word: str
    score: float
    level_dbfs: float
    detected_at: _timestamp_pb2.Timestamp
    trace_id: str
    def __init__(self, site: _Optional[str] = ..., wake_word: _Optional[str] = ..., score: _Optional[float] = ..., level_dbfs: _Optional[float] = ..., detected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., trace_id: _Optional[str] = ...) -> None: ...

class SessionGrant(_message.Message):
    __slots__ = ("granted", "reason", "session_id", "token", "max_length_s", "preroll_s", "expires_at")
    GRANTED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_S_FIELD_NUMBER: _ClassVar[int]
    PREROLL_S_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    granted: bool
    reason: str
    session_id: str
    token: str
    max_length_s: float
    preroll_s: float
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, granted: _Optional[bool] = ..., reason: _Optional[str] = ..., session_id: _Optional[str] = ..., token: _Optional[str] = ..., max_length_s: _Optional[float] = ..., preroll_s: _Optional[float] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SessionEndRequest(_message.Message):
    __slots__ = ("session_id", "site", "outcome", "audio_s", "detail", "trace_id")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    AUDIO_S_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    site: str
    outcome: str
    audio_s: float
    detail: str
    trace_id: str
    def __init__(self, session_id: _Optional[str] = ..., site: _Optional[str] = ..., outcome: _Optional[str] = ..., audio_s: _Optional[float] = ..., detail: _Optional[str] = ..., trace_id: _Optional[str] = ...) -> None: ...

class SessionEndReply(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class SetMuteRequest(_message.Message):
    __slots__ = ("site", "muted", "changed_by")
    SITE_FIELD_NUMBER: _ClassVar[int]
    MUTED_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    site: str
    muted: bool
    changed_by: str
    def __init__(self, site: _Optional[str] = ..., muted: _Optional[bool] = ..., changed_by: _Optional[str] = ...) -> None: ...

class GetMuteRequest(_message.Message):
    __slots__ = ("site",)
    SITE_FIELD_NUMBER: _ClassVar[int]
    site: str
    def __init__(self, site: _Optional[str] = ...) -> None: ...

class MuteReply(_message.Message):
    __slots__ = ("site", "muted", "changed_at", "changed_by")
    SITE_FIELD_NUMBER: _ClassVar[int]
    MUTED_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    site: str
    muted: bool
    changed_at: _timestamp_pb2.Timestamp
    changed_by: str
    def __init__(self, site: _Optional[str] = ..., muted: _Optional[bool] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., changed_by: _Optional[str] = ...) -> None: ...

class ListSitesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSitesReply(_message.Message):
    __slots__ = ("sites",)
    SITES_FIELD_NUMBER: _ClassVar[int]
    sites: _containers.RepeatedCompositeFieldContainer[MuteReply]
    def __init__(self, sites: _Optional[_Iterable[_Union[MuteReply, _Mapping]]] = ...) -> None: ...
