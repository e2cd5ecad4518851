import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from hearth.v1 import common_pb2 as _common_pb2
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
    __slots__ = ("allowed", "reason", "lease_expires_at", "lease_s", "session")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    LEASE_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    LEASE_S_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    reason: str
    lease_expires_at: _timestamp_pb2.Timestamp
    lease_s: float
    session: SessionGrant
    def __init__(self, allowed: _Optional[bool] = ..., reason: _Optional[str] = ..., lease_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lease_s: _Optional[float] = ..., session: _Optional[_Union[SessionGrant, _Mapping]] = ...) -> None: ...

class SessionRequest(_message.Message):
    __slots__ = ("site", "wake_word", "score", "level_dbfs", "detected_at", "trace_id", "trigger", "follows_session")
    SITE_FIELD_NUMBER: _ClassVar[int]
    WAKE_WORD_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_DBFS_FIELD_NUMBER: _ClassVar[int]
    DETECTED_AT_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    FOLLOWS_SESSION_FIELD_NUMBER: _ClassVar[int]
    site: str
    wake_word: str
    score: float
    level_dbfs: float
    detected_at: _timestamp_pb2.Timestamp
    trace_id: str
    trigger: _common_pb2.SessionTrigger
    follows_session: str
    def __init__(self, site: _Optional[str] = ..., wake_word: _Optional[str] = ..., score: _Optional[float] = ..., level_dbfs: _Optional[float] = ..., detected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., trace_id: _Optional[str] = ..., trigger: _Optional[_Union[_common_pb2.SessionTrigger, str]] = ..., follows_session: _Optional[str] = ...) -> None: ...

class SessionGrant(_message.Message):
    __slots__ = ("granted", "reason", "session_id", "token", "max_length_s", "preroll_s", "expires_at", "keep_audio", "superseded", "trace_id")
    GRANTED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_S_FIELD_NUMBER: _ClassVar[int]
    PREROLL_S_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    KEEP_AUDIO_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDED_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    granted: bool
    reason: str
    session_id: str
    token: str
    max_length_s: float
    preroll_s: float
    expires_at: _timestamp_pb2.Timestamp
    keep_audio: bool
    superseded: bool
    trace_id: str
    def __init__(self, granted: _Optional[bool] = ..., reason: _Optional[str] = ..., session_id: _Optional[str] = ..., token: _Optional[str] = ..., max_length_s: _Optional[float] = ..., preroll_s: _Optional[float] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., keep_audio: _Optional[bool] = ..., superseded: _Optional[bool] = ..., trace_id: _Optional[str] = ...) -> None: ...

class ListenRequest(_message.Message):
    __slots__ = ("site", "requested_by")
    SITE_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    site: str
    requested_by: str
    def __init__(self, site: _Optional[str] = ..., requested_by: _Optional[str] = ...) -> None: ...

class ListenReply(_message.Message):
    __slots__ = ("started", "reason", "session_id", "trace_id", "max_length_s")
    STARTED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TRACE_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_S_FIELD_NUMBER: _ClassVar[int]
    started: bool
    reason: str
    session_id: str
    trace_id: str
    max_length_s: float
    def __init__(self, started: _Optional[bool] = ..., reason: _Optional[str] = ..., session_id: _Optional[str] = ..., trace_id: _Optional[str] = ..., max_length_s: _Optional[float] = ...) -> None: ...

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
    __slots__ = ("site", "muted", "changed_by", "spoken_in_session")
    SITE_FIELD_NUMBER: _ClassVar[int]
    MUTED_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    SPOKEN_IN_SESSION_FIELD_NUMBER: _ClassVar[int]
    site: str
    muted: bool
    changed_by: str
    spoken_in_session: str
    def __init__(self, site: _Optional[str] = ..., muted: _Optional[bool] = ..., changed_by: _Optional[str] = ..., spoken_in_session: _Optional[str] = ...) -> None: ...

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

class ReportRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ClassReport(_message.Message):
    __slots__ = ("retention_class", "enabled", "retention_s", "items", "items_per_site", "oldest")
    class ItemsPerSiteEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    RETENTION_CLASS_FIELD_NUMBER: _ClassVar[int]
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    RETENTION_S_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    ITEMS_PER_SITE_FIELD_NUMBER: _ClassVar[int]
    OLDEST_FIELD_NUMBER: _ClassVar[int]
    retention_class: str
    enabled: bool
    retention_s: float
    items: int
    items_per_site: _containers.ScalarMap[str, int]
    oldest: _timestamp_pb2.Timestamp
    def __init__(self, retention_class: _Optional[str] = ..., enabled: _Optional[bool] = ..., retention_s: _Optional[float] = ..., items: _Optional[int] = ..., items_per_site: _Optional[_Mapping[str, int]] = ..., oldest: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MuteChange(_message.Message):
    __slots__ = ("site", "muted", "at", "changed_by")
    SITE_FIELD_NUMBER: _ClassVar[int]
    MUTED_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    site: str
    muted: bool
    at: _timestamp_pb2.Timestamp
    changed_by: str
    def __init__(self, site: _Optional[str] = ..., muted: _Optional[bool] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., changed_by: _Optional[str] = ...) -> None: ...

class DaySummary(_message.Message):
    __slots__ = ("day", "site", "sessions", "probable_false_wakes", "push_to_talk", "follow_ups")
    DAY_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    PROBABLE_FALSE_WAKES_FIELD_NUMBER: _ClassVar[int]
    PUSH_TO_TALK_FIELD_NUMBER: _ClassVar[int]
    FOLLOW_UPS_FIELD_NUMBER: _ClassVar[int]
    day: str
    site: str
    sessions: int
    probable_false_wakes: int
    push_to_talk: int
    follow_ups: int
    def __init__(self, day: _Optional[str] = ..., site: _Optional[str] = ..., sessions: _Optional[int] = ..., probable_false_wakes: _Optional[int] = ..., push_to_talk: _Optional[int] = ..., follow_ups: _Optional[int] = ...) -> None: ...

class AuditHead(_message.Message):
    __slots__ = ("length", "head", "at")
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    HEAD_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    length: int
    head: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, length: _Optional[int] = ..., head: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PrivacyReport(_message.Message):
    __slots__ = ("classes", "next_purge", "mute_history", "days", "audit", "store_writable")
    CLASSES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PURGE_FIELD_NUMBER: _ClassVar[int]
    MUTE_HISTORY_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    AUDIT_FIELD_NUMBER: _ClassVar[int]
    STORE_WRITABLE_FIELD_NUMBER: _ClassVar[int]
    classes: _containers.RepeatedCompositeFieldContainer[ClassReport]
    next_purge: _timestamp_pb2.Timestamp
    mute_history: _containers.RepeatedCompositeFieldContainer[MuteChange]
    days: _containers.RepeatedCompositeFieldContainer[DaySummary]
    audit: AuditHead
    store_writable: bool
    def __init__(self, classes: _Optional[_Iterable[_Union[ClassReport, _Mapping]]] = ..., next_purge: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., mute_history: _Optional[_Iterable[_Union[MuteChange, _Mapping]]] = ..., days: _Optional[_Iterable[_Union[DaySummary, _Mapping]]] = ..., audit: _Optional[_Union[AuditHead, _Mapping]] = ..., store_writable: _Optional[bool] = ...) -> None: ...

class ExportRequest(_message.Message):
    __slots__ = ("site", "requested_by")
    SITE_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    site: str
    requested_by: str
    def __init__(self, site: _Optional[str] = ..., requested_by: _Optional[str] = ...) -> None: ...

class HeldItem(_message.Message):
    __slots__ = ("retention_class", "site", "session_id", "created_at", "expires_at", "text", "slots", "audio", "outcome")
    class SlotsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    RETENTION_CLASS_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    retention_class: str
    site: str
    session_id: str
    created_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    text: str
    slots: _containers.ScalarMap[str, str]
    audio: bytes
    outcome: str
    def __init__(self, retention_class: _Optional[str] = ..., site: _Optional[str] = ..., session_id: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., text: _Optional[str] = ..., slots: _Optional[_Mapping[str, str]] = ..., audio: _Optional[bytes] = ..., outcome: _Optional[str] = ...) -> None: ...

class TimeRange(_message.Message):
    __slots__ = ("since", "until")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    since: _timestamp_pb2.Timestamp
    until: _timestamp_pb2.Timestamp
    def __init__(self, since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ForgetRequest(_message.Message):
    __slots__ = ("site", "last_session", "range", "everything", "requested_by", "exclude_session_id", "spoken_in_session")
    SITE_FIELD_NUMBER: _ClassVar[int]
    LAST_SESSION_FIELD_NUMBER: _ClassVar[int]
    RANGE_FIELD_NUMBER: _ClassVar[int]
    EVERYTHING_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SPOKEN_IN_SESSION_FIELD_NUMBER: _ClassVar[int]
    site: str
    last_session: bool
    range: TimeRange
    everything: bool
    requested_by: str
    exclude_session_id: str
    spoken_in_session: str
    def __init__(self, site: _Optional[str] = ..., last_session: _Optional[bool] = ..., range: _Optional[_Union[TimeRange, _Mapping]] = ..., everything: _Optional[bool] = ..., requested_by: _Optional[str] = ..., exclude_session_id: _Optional[str] = ..., spoken_in_session: _Optional[str] = ...) -> None: ...

class ForgetReply(_message.Message):
    __slots__ = ("deleted", "deleted_per_class", "sessions")
    class DeletedPerClassEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    DELETED_FIELD_NUMBER: _ClassVar[int]
    DELETED_PER_CLASS_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    deleted: int
    deleted_per_class: _containers.ScalarMap[str, int]
    sessions: int
    def __init__(self, deleted: _Optional[int] = ..., deleted_per_class: _Optional[_Mapping[str, int]] = ..., sessions: _Optional[int] = ...) -> None: ...

class VerifyRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class VerifyReply(_message.Message):
    __slots__ = ("ok", "entries", "broken_at", "problem", "head")
    OK_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    BROKEN_AT_FIELD_NUMBER: _ClassVar[int]
    PROBLEM_FIELD_NUMBER: _ClassVar[int]
    HEAD_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    entries: int
    broken_at: int
    problem: str
    head: AuditHead
    def __init__(self, ok: _Optional[bool] = ..., entries: _Optional[int] = ..., broken_at: _Optional[int] = ..., problem: _Optional[str] = ..., head: _Optional[_Union[AuditHead, _Mapping]] = ...) -> None: ...

class LastTranscriptRequest(_message.Message):
    __slots__ = ("site", "exclude_session_id", "requested_by", "spoken_in_session")
    SITE_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    SPOKEN_IN_SESSION_FIELD_NUMBER: _ClassVar[int]
    site: str
    exclude_session_id: str
    requested_by: str
    spoken_in_session: str
    def __init__(self, site: _Optional[str] = ..., exclude_session_id: _Optional[str] = ..., requested_by: _Optional[str] = ..., spoken_in_session: _Optional[str] = ...) -> None: ...

class LastTranscriptReply(_message.Message):
    __slots__ = ("found", "text", "created_at")
    FOUND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    found: bool
    text: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, found: _Optional[bool] = ..., text: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class KeepClipRequest(_message.Message):
    __slots__ = ("session_id", "site", "token", "pcm")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    SITE_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    PCM_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    site: str
    token: str
    pcm: bytes
    def __init__(self, session_id: _Optional[str] = ..., site: _Optional[str] = ..., token: _Optional[str] = ..., pcm: _Optional[bytes] = ...) -> None: ...

class KeepClipReply(_message.Message):
    __slots__ = ("kept", "reason")
    KEPT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    kept: bool
    reason: str
    def __init__(self, kept: _Optional[bool] = ..., reason: _Optional[str] = ...) -> None: ...
