import datetime

from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from hearth.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ServiceStatus(_message.Message):
    __slots__ = ("service", "instance", "state", "version", "grpc_address", "metrics_url", "since", "offers")
    class State(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        STATE_UNSPECIFIED: _ClassVar[ServiceStatus.State]
        STATE_ONLINE: _ClassVar[ServiceStatus.State]
        STATE_OFFLINE: _ClassVar[ServiceStatus.State]
    STATE_UNSPECIFIED: ServiceStatus.State
    STATE_ONLINE: ServiceStatus.State
    STATE_OFFLINE: ServiceStatus.State
    SERVICE_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    GRPC_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    METRICS_URL_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    OFFERS_FIELD_NUMBER: _ClassVar[int]
    service: str
    instance: str
    state: ServiceStatus.State
    version: str
    grpc_address: str
    metrics_url: str
    since: _timestamp_pb2.Timestamp
    offers: Offers
    def __init__(self, service: _Optional[str] = ..., instance: _Optional[str] = ..., state: _Optional[_Union[ServiceStatus.State, str]] = ..., version: _Optional[str] = ..., grpc_address: _Optional[str] = ..., metrics_url: _Optional[str] = ..., since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., offers: _Optional[_Union[Offers, _Mapping]] = ...) -> None: ...

class Offers(_message.Message):
    __slots__ = ("audio", "wake", "stt", "intent", "policy", "tts")
    AUDIO_FIELD_NUMBER: _ClassVar[int]
    WAKE_FIELD_NUMBER: _ClassVar[int]
    STT_FIELD_NUMBER: _ClassVar[int]
    INTENT_FIELD_NUMBER: _ClassVar[int]
    POLICY_FIELD_NUMBER: _ClassVar[int]
    TTS_FIELD_NUMBER: _ClassVar[int]
    audio: AudioOffers
    wake: WakeOffers
    stt: SttOffers
    intent: IntentOffers
    policy: PolicyOffers
    tts: TtsOffers
    def __init__(self, audio: _Optional[_Union[AudioOffers, _Mapping]] = ..., wake: _Optional[_Union[WakeOffers, _Mapping]] = ..., stt: _Optional[_Union[SttOffers, _Mapping]] = ..., intent: _Optional[_Union[IntentOffers, _Mapping]] = ..., policy: _Optional[_Union[PolicyOffers, _Mapping]] = ..., tts: _Optional[_Union[TtsOffers, _Mapping]] = ...) -> None: ...

class AudioOffers(_message.Message):
    __slots__ = ("site", "source", "output")
    SITE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    OUTPUT_FIELD_NUMBER: _ClassVar[int]
    site: str
    source: str
    output: str
    def __init__(self, site: _Optional[str] = ..., source: _Optional[str] = ..., output: _Optional[str] = ...) -> None: ...

class WakeOffers(_message.Message):
    __slots__ = ("engine", "wake_words", "verifier")
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    WAKE_WORDS_FIELD_NUMBER: _ClassVar[int]
    VERIFIER_FIELD_NUMBER: _ClassVar[int]
    engine: str
    wake_words: _containers.RepeatedScalarFieldContainer[str]
    verifier: str
    def __init__(self, engine: _Optional[str] = ..., wake_words: _Optional[_Iterable[str]] = ..., verifier: _Optional[str] = ...) -> None: ...

class SttOffers(_message.Message):
    __slots__ = ("engine", "language", "mode", "vocabulary")
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    VOCABULARY_FIELD_NUMBER: _ClassVar[int]
    engine: str
    language: str
    mode: str
    vocabulary: str
    def __init__(self, engine: _Optional[str] = ..., language: _Optional[str] = ..., mode: _Optional[str] = ..., vocabulary: _Optional[str] = ...) -> None: ...

class IntentOffers(_message.Message):
    __slots__ = ("language", "vocabulary")
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    VOCABULARY_FIELD_NUMBER: _ClassVar[int]
    language: str
    vocabulary: str
    def __init__(self, language: _Optional[str] = ..., vocabulary: _Optional[str] = ...) -> None: ...

class TtsOffers(_message.Message):
    __slots__ = ("default_voice", "voices")
    DEFAULT_VOICE_FIELD_NUMBER: _ClassVar[int]
    VOICES_FIELD_NUMBER: _ClassVar[int]
    default_voice: str
    voices: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, default_voice: _Optional[str] = ..., voices: _Optional[_Iterable[str]] = ...) -> None: ...

class PolicyOffers(_message.Message):
    __slots__ = ("sites", "lease_s")
    SITES_FIELD_NUMBER: _ClassVar[int]
    LEASE_S_FIELD_NUMBER: _ClassVar[int]
    sites: _containers.RepeatedScalarFieldContainer[str]
    lease_s: float
    def __init__(self, sites: _Optional[_Iterable[str]] = ..., lease_s: _Optional[float] = ...) -> None: ...

class WakeDetected(_message.Message):
    __slots__ = ("header", "wake_word", "engine", "score", "level_dbfs", "detected_at")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    WAKE_WORD_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_DBFS_FIELD_NUMBER: _ClassVar[int]
    DETECTED_AT_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    wake_word: str
    engine: str
    score: float
    level_dbfs: float
    detected_at: _timestamp_pb2.Timestamp
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., wake_word: _Optional[str] = ..., engine: _Optional[str] = ..., score: _Optional[float] = ..., level_dbfs: _Optional[float] = ..., detected_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SessionStarted(_message.Message):
    __slots__ = ("header", "wake_word", "max_length_s", "preroll_s", "expires_at", "trigger")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    WAKE_WORD_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_S_FIELD_NUMBER: _ClassVar[int]
    PREROLL_S_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    TRIGGER_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    wake_word: str
    max_length_s: float
    preroll_s: float
    expires_at: _timestamp_pb2.Timestamp
    trigger: _common_pb2.SessionTrigger
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., wake_word: _Optional[str] = ..., max_length_s: _Optional[float] = ..., preroll_s: _Optional[float] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., trigger: _Optional[_Union[_common_pb2.SessionTrigger, str]] = ...) -> None: ...

class SessionRefused(_message.Message):
    __slots__ = ("header", "reason")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    reason: str
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class SessionEnded(_message.Message):
    __slots__ = ("header", "outcome", "audio_s", "detail")
    class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OUTCOME_UNSPECIFIED: _ClassVar[SessionEnded.Outcome]
        OUTCOME_END_OF_SPEECH: _ClassVar[SessionEnded.Outcome]
        OUTCOME_MAX_LENGTH: _ClassVar[SessionEnded.Outcome]
        OUTCOME_ERROR: _ClassVar[SessionEnded.Outcome]
        OUTCOME_CANCELLED: _ClassVar[SessionEnded.Outcome]
        OUTCOME_SUPERSEDED: _ClassVar[SessionEnded.Outcome]
    OUTCOME_UNSPECIFIED: SessionEnded.Outcome
    OUTCOME_END_OF_SPEECH: SessionEnded.Outcome
    OUTCOME_MAX_LENGTH: SessionEnded.Outcome
    OUTCOME_ERROR: SessionEnded.Outcome
    OUTCOME_CANCELLED: SessionEnded.Outcome
    OUTCOME_SUPERSEDED: SessionEnded.Outcome
    HEADER_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    AUDIO_S_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    outcome: SessionEnded.Outcome
    audio_s: float
    detail: str
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., outcome: _Optional[_Union[SessionEnded.Outcome, str]] = ..., audio_s: _Optional[float] = ..., detail: _Optional[str] = ...) -> None: ...

class Transcript(_message.Message):
    __slots__ = ("header", "text", "confidence", "engine", "language", "mode", "end_of_speech_at", "audio_s", "snapped", "snap_distance")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    END_OF_SPEECH_AT_FIELD_NUMBER: _ClassVar[int]
    AUDIO_S_FIELD_NUMBER: _ClassVar[int]
    SNAPPED_FIELD_NUMBER: _ClassVar[int]
    SNAP_DISTANCE_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    text: str
    confidence: float
    engine: str
    language: str
    mode: str
    end_of_speech_at: _timestamp_pb2.Timestamp
    audio_s: float
    snapped: bool
    snap_distance: float
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., text: _Optional[str] = ..., confidence: _Optional[float] = ..., engine: _Optional[str] = ..., language: _Optional[str] = ..., mode: _Optional[str] = ..., end_of_speech_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., audio_s: _Optional[float] = ..., snapped: _Optional[bool] = ..., snap_distance: _Optional[float] = ...) -> None: ...

class IntentRecognized(_message.Message):
    __slots__ = ("header", "intent", "slots", "text", "speech", "end_of_speech_at", "continue_conversation")
    class SlotsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    HEADER_FIELD_NUMBER: _ClassVar[int]
    INTENT_FIELD_NUMBER: _ClassVar[int]
    SLOTS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SPEECH_FIELD_NUMBER: _ClassVar[int]
    END_OF_SPEECH_AT_FIELD_NUMBER: _ClassVar[int]
    CONTINUE_CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    intent: str
    slots: _containers.ScalarMap[str, str]
    text: str
    speech: str
    end_of_speech_at: _timestamp_pb2.Timestamp
    continue_conversation: bool
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., intent: _Optional[str] = ..., slots: _Optional[_Mapping[str, str]] = ..., text: _Optional[str] = ..., speech: _Optional[str] = ..., end_of_speech_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., continue_conversation: _Optional[bool] = ...) -> None: ...

class IntentNotRecognized(_message.Message):
    __slots__ = ("header", "text", "end_of_speech_at")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    END_OF_SPEECH_AT_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    text: str
    end_of_speech_at: _timestamp_pb2.Timestamp
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., text: _Optional[str] = ..., end_of_speech_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Vocabulary(_message.Message):
    __slots__ = ("header", "language", "sentences", "words", "version", "names", "meaning_of", "meanings")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    SENTENCES_FIELD_NUMBER: _ClassVar[int]
    WORDS_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    MEANING_OF_FIELD_NUMBER: _ClassVar[int]
    MEANINGS_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    language: str
    sentences: _containers.RepeatedScalarFieldContainer[str]
    words: _containers.RepeatedScalarFieldContainer[str]
    version: str
    names: _containers.RepeatedScalarFieldContainer[str]
    meaning_of: _containers.RepeatedScalarFieldContainer[int]
    meanings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., language: _Optional[str] = ..., sentences: _Optional[_Iterable[str]] = ..., words: _Optional[_Iterable[str]] = ..., version: _Optional[str] = ..., names: _Optional[_Iterable[str]] = ..., meaning_of: _Optional[_Iterable[int]] = ..., meanings: _Optional[_Iterable[str]] = ...) -> None: ...

class MuteState(_message.Message):
    __slots__ = ("header", "muted", "changed_at", "changed_by")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    MUTED_FIELD_NUMBER: _ClassVar[int]
    CHANGED_AT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_BY_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    muted: bool
    changed_at: _timestamp_pb2.Timestamp
    changed_by: str
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., muted: _Optional[bool] = ..., changed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., changed_by: _Optional[str] = ...) -> None: ...

class MuteCommand(_message.Message):
    __slots__ = ("header", "muted")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    MUTED_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    muted: bool
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., muted: _Optional[bool] = ...) -> None: ...

class AuditHeadState(_message.Message):
    __slots__ = ("header", "length", "head", "at")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    HEAD_FIELD_NUMBER: _ClassVar[int]
    AT_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    length: int
    head: str
    at: _timestamp_pb2.Timestamp
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., length: _Optional[int] = ..., head: _Optional[str] = ..., at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class PluginEvent(_message.Message):
    __slots__ = ("header", "plugin", "name", "data")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    plugin: str
    name: str
    data: _struct_pb2.Struct
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., plugin: _Optional[str] = ..., name: _Optional[str] = ..., data: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class SayRequest(_message.Message):
    __slots__ = ("header", "text", "say_id", "voice", "chime", "continue_conversation", "purpose")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SAY_ID_FIELD_NUMBER: _ClassVar[int]
    VOICE_FIELD_NUMBER: _ClassVar[int]
    CHIME_FIELD_NUMBER: _ClassVar[int]
    CONTINUE_CONVERSATION_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    text: str
    say_id: str
    voice: str
    chime: bool
    continue_conversation: bool
    purpose: str
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., text: _Optional[str] = ..., say_id: _Optional[str] = ..., voice: _Optional[str] = ..., chime: _Optional[bool] = ..., continue_conversation: _Optional[bool] = ..., purpose: _Optional[str] = ...) -> None: ...

class SpeechStarted(_message.Message):
    __slots__ = ("header", "say_id", "voice", "purpose", "requested_at")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    SAY_ID_FIELD_NUMBER: _ClassVar[int]
    VOICE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_AT_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    say_id: str
    voice: str
    purpose: str
    requested_at: _timestamp_pb2.Timestamp
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., say_id: _Optional[str] = ..., voice: _Optional[str] = ..., purpose: _Optional[str] = ..., requested_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SpeechFinished(_message.Message):
    __slots__ = ("header", "say_id", "outcome", "played_s", "detail", "purpose")
    class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        OUTCOME_UNSPECIFIED: _ClassVar[SpeechFinished.Outcome]
        OUTCOME_PLAYED: _ClassVar[SpeechFinished.Outcome]
        OUTCOME_INTERRUPTED: _ClassVar[SpeechFinished.Outcome]
        OUTCOME_FAILED: _ClassVar[SpeechFinished.Outcome]
        OUTCOME_NO_OUTPUT: _ClassVar[SpeechFinished.Outcome]
    OUTCOME_UNSPECIFIED: SpeechFinished.Outcome
    OUTCOME_PLAYED: SpeechFinished.Outcome
    OUTCOME_INTERRUPTED: SpeechFinished.Outcome
    OUTCOME_FAILED: SpeechFinished.Outcome
    OUTCOME_NO_OUTPUT: SpeechFinished.Outcome
    HEADER_FIELD_NUMBER: _ClassVar[int]
    SAY_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    PLAYED_S_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    say_id: str
    outcome: SpeechFinished.Outcome
    played_s: float
    detail: str
    purpose: str
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., say_id: _Optional[str] = ..., outcome: _Optional[_Union[SpeechFinished.Outcome, str]] = ..., played_s: _Optional[float] = ..., detail: _Optional[str] = ..., purpose: _Optional[str] = ...) -> None: ...

class Probe(_message.Message):
    __slots__ = ("header", "payload")
    HEADER_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    header: _common_pb2.EventHeader
    payload: bytes
    def __init__(self, header: _Optional[_Union[_common_pb2.EventHeader, _Mapping]] = ..., payload: _Optional[bytes] = ...) -> None: ...
