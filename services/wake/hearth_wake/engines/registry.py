"""The wake-word engines the service can run, by name.

The built-in ones are imported only when chosen, so one engine's library may be absent; a
third-party package adds one through the ``hearth.wake_engines`` entry-point group, naming an
``EngineSpec`` whose ``load(options)`` returns a ``WakeEngine``; its options come from
``wake.engine_options``.
"""

from __future__ import annotations

from hearth.registry import Registry
from hearth_wake.engines.base import WakeEngine

ENTRY_POINT_GROUP = "hearth.wake_engines"

WAKE_ENGINES: Registry[WakeEngine] = Registry(
    "wake engine",
    {
        "embedding": "hearth_wake.engines.embedding:EMBEDDING",
        "pocketsphinx": "hearth_wake.engines.pocketsphinx_kws:POCKETSPHINX",
        "vosk": "hearth_wake.engines.vosk_kws:VOSK",
    },
    ENTRY_POINT_GROUP,
)
