"""Speech-to-text engines behind one small interface (``base``), found by name (``registry``)."""

from hearth_stt.engines.base import (
    FinalResult,
    SttEngine,
    Update,
    Utterance,
    Vocabulary,
    VocabularyReport,
)
from hearth_stt.engines.errors import SttError

__all__ = [
    "FinalResult",
    "SttEngine",
    "SttError",
    "Update",
    "Utterance",
    "Vocabulary",
    "VocabularyReport",
]
