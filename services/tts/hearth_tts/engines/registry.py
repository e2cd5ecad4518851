"""The speech engines the service can run, by name.

The built-in ones are imported only when enabled, so one engine's library may be absent; a
third-party package adds one through the ``hearth.tts_engines`` entry-point group, naming an
``EngineSpec`` whose ``load(options)`` returns a ``TtsEngine``.
"""

from __future__ import annotations

from hearth.registry import Registry
from hearth_tts.engines.base import TtsEngine

ENTRY_POINT_GROUP = "hearth.tts_engines"

TTS_ENGINES: Registry[TtsEngine] = Registry(
    "tts engine",
    {
        "piper": "hearth_tts.engines.piper_engine:PIPER",
        "espeak": "hearth_tts.engines.espeak_engine:ESPEAK",
    },
    ENTRY_POINT_GROUP,
)
