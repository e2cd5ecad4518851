"""The speech-to-text engines the service can run, by name.

The built-in ones are imported only when chosen, so one engine's library may be absent; a
third-party package adds one through the ``hearth.stt_engines`` entry-point group, naming an
``EngineSpec`` whose ``load(options)`` returns a loaded ``SttEngine``.
"""

from __future__ import annotations

from hearth.registry import Registry
from hearth_stt.engines.base import SttEngine

ENTRY_POINT_GROUP = "hearth.stt_engines"

STT_ENGINES: Registry[SttEngine] = Registry(
    "stt engine",
    {
        "vosk": "hearth_stt.engines.vosk_engine:VOSK",
        "pocketsphinx": "hearth_stt.engines.pocketsphinx_engine:POCKETSPHINX",
        "whisper": "hearth_stt.engines.whisper_engine:WHISPER",
        "hybrid": "hearth_stt.engines.hybrid_engine:HYBRID",
    },
    ENTRY_POINT_GROUP,
)
