"""Which speech engine to run: the configured one, or for `auto` the best that is installed."""

from __future__ import annotations

import logging
from pathlib import Path

from hearth.models import ModelNotFoundError, resolve_vosk_model
from hearth_stt.engines.base import EngineOptions, SttEngine, create_engine
from hearth_stt.settings import SttSettings

log = logging.getLogger(__name__)


def choose_engine(settings: SttSettings, data_dir: Path) -> SttEngine:
    """Resolve and load the engine (blocking: call it off the event loop)."""
    name = settings.engine
    model_dir = settings.model_dir.expanduser() if settings.model_dir else None
    vosk_model: Path | None = None
    if name in ("auto", "vosk"):
        try:
            vosk_model = resolve_vosk_model(
                settings.language, model_dir, data_dir=data_dir / "models"
            )
            name = "vosk"
        except ModelNotFoundError:
            if name == "vosk" or not settings.language.startswith("en"):
                raise
            log.info(
                "no Vosk model for %r installed; using pocketsphinx's built-in English model",
                settings.language,
            )
            name = "pocketsphinx"
    options = EngineOptions(
        language=settings.language,
        mode=settings.mode,
        model_dir=vosk_model,
        end_silence_s=settings.end_silence_s,
    )
    engine = create_engine(name, options)
    engine.load()
    return engine
