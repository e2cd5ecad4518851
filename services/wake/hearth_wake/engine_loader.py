"""Choosing and loading a wake-word engine: built-in ones, or third-party ones through entry points."""

from __future__ import annotations

from importlib.metadata import entry_points

from hearth_wake.engines.base import WakeEngine, WakeModelError
from hearth_wake.settings import WakeSettings

ENTRY_POINT_GROUP = "hearth.wake_engines"
"""A third-party engine registers `name = package.module:load` where load(settings) -> WakeEngine."""

BUILT_IN = ("embedding",)


def load_engine(settings: WakeSettings) -> WakeEngine:
    """Load the configured engine (blocking: call it off the event loop)."""
    if settings.engine == "embedding":
        from hearth_wake.engines.embedding import EmbeddingEngine

        return EmbeddingEngine.load(
            settings.model,
            refractory_s=settings.refractory_s,
            frames_in_a_row=settings.frames_in_a_row,
            threads=settings.threads,
        )
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name == settings.engine:
            return entry.load()(settings)
    known = sorted({*BUILT_IN, *(e.name for e in entry_points(group=ENTRY_POINT_GROUP))})
    raise WakeModelError(f"unknown wake engine {settings.engine!r}; available: {', '.join(known)}")
