"""Speech engines behind one small interface (``base``), found by name (``registry``)."""

from hearth_tts.engines.base import TtsEngine, Voice, VoiceInfo
from hearth_tts.engines.errors import TtsError, VoiceNotFoundError

__all__ = ["TtsEngine", "TtsError", "Voice", "VoiceInfo", "VoiceNotFoundError"]
