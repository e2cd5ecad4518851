"""Speech-to-text engines behind one small interface (see ``base``)."""

from hearth_stt.engines.base import (
    EngineOptions,
    FinalResult,
    SttEngine,
    SttError,
    Update,
    Utterance,
    Vocabulary,
    VocabularyReport,
    create_engine,
)

__all__ = [
    "EngineOptions",
    "FinalResult",
    "SttEngine",
    "SttError",
    "Update",
    "Utterance",
    "Vocabulary",
    "VocabularyReport",
    "create_engine",
]
