"""The voices the service can speak with, by name, across its engines; which ones are in memory.

The default voice loads when the service starts; another loads on first use, and at most
`tts.max_loaded_voices` stay loaded (the least recently used other than the default is unloaded),
so a caller cycling through voices cannot grow the service's memory.
Blocking throughout (listing and loading): the service calls it in a thread.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence

from hearth_tts.engines.base import TtsEngine, Voice, VoiceInfo
from hearth_tts.engines.errors import VoiceNotFoundError
from hearth_tts.tts_metrics import LOADED_VOICES, VOICE_LOAD_SECONDS

log = logging.getLogger(__name__)


REFRESH_MIN_S = 5.0
"""An unknown name makes the voices be listed again at most this often, so a caller asking for
voices that do not exist cannot keep the service reading directories."""


class VoiceBook:
    def __init__(self, engines: Sequence[TtsEngine], default: str, max_loaded: int) -> None:
        self.engines = tuple(engines)
        self.refreshed_at = float("-inf")
        self.default = default
        self.max_loaded = max_loaded
        self.catalogue: dict[str, tuple[TtsEngine, VoiceInfo]] = {}
        self._loaded: OrderedDict[str, Voice] = OrderedDict()
        self._lock = threading.Lock()
        self.refresh()

    def refresh(self) -> None:
        """List every engine's voices again (a voice pulled since the start becomes usable)."""
        self.refreshed_at = time.monotonic()
        catalogue: dict[str, tuple[TtsEngine, VoiceInfo]] = {}
        for engine in self.engines:
            for info in engine.voices():
                catalogue.setdefault(info.name, (engine, info))
        self.catalogue = catalogue

    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self.catalogue))

    def info(self, name: str) -> VoiceInfo:
        """The voice's description; "" is the default. VoiceNotFoundError names what exists."""
        name = name or self.default
        if name not in self.catalogue and time.monotonic() - self.refreshed_at >= REFRESH_MIN_S:
            self.refresh()
        found = self.catalogue.get(name)
        if found is None:
            shown = name if len(name) <= 40 else name[:40] + "..."
            raise VoiceNotFoundError(
                f"unknown voice {shown!r}; ListVoices names the {len(self.catalogue)} installed "
                "(Piper voices are installed with `hearth models pull piper-<voice>`)"
            )
        return found[1]

    def voice(self, name: str) -> Voice:
        """The loaded voice, loading it (and unloading another) when needed."""
        name = name or self.default
        with self._lock:
            voice = self._loaded.get(name)
            if voice is not None:
                self._loaded.move_to_end(name)
                return voice
            engine, _ = self.catalogue.get(name) or (None, None)
            if engine is None:
                raise VoiceNotFoundError(f"unknown voice {name!r}")
            started = time.perf_counter()
            voice = engine.load_voice(name)
            elapsed = time.perf_counter() - started
            VOICE_LOAD_SECONDS.labels(engine.name).observe(elapsed)
            log.info("voice %s (%s) loaded in %.2f s", name, engine.name, elapsed)
            self._loaded[name] = voice
            self._unload_beyond_bound()
            LOADED_VOICES.set(len(self._loaded))
            return voice

    def loaded(self) -> tuple[str, ...]:
        return tuple(self._loaded)

    def _unload_beyond_bound(self) -> None:
        while len(self._loaded) > self.max_loaded:
            victim = next((n for n in self._loaded if n != self.default), None)
            if victim is None:
                return
            self._loaded.pop(victim).close()
            log.info("voice %s unloaded (tts.max_loaded_voices is %d)", victim, self.max_loaded)
