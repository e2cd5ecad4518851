"""Which speech engine to run and with what options: the configured one, or for `auto` the best
that is installed. This is where the service's settings become one engine's options."""

from __future__ import annotations

import logging
from pathlib import Path

from hearth.models import ModelNotFoundError, resolve_vosk_model, resolve_whisper_model
from hearth_stt.engines.base import SttEngine
from hearth_stt.engines.pocketsphinx_engine import PocketsphinxOptions
from hearth_stt.engines.registry import STT_ENGINES
from hearth_stt.engines.vosk_engine import VoskOptions
from hearth_stt.engines.whisper_engine import WhisperOptions
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
    options: VoskOptions | PocketsphinxOptions | WhisperOptions
    if name == "vosk":
        options = VoskOptions(
            language=settings.language,
            mode=settings.mode,
            end_silence_s=settings.end_silence_s,
            model_dir=vosk_model,
        )
    elif name == "whisper":
        options = whisper_options(settings, data_dir)
    else:
        options = PocketsphinxOptions(
            language=settings.language, mode=settings.mode, end_silence_s=settings.end_silence_s
        )
    return STT_ENGINES.get(name).load(options)


def whisper_options(settings: SttSettings, data_dir: Path) -> WhisperOptions:
    """The Whisper engine's options; finding the model may join and verify it once (blocking)."""
    configured = settings.whisper_model_dir.expanduser() if settings.whisper_model_dir else None
    model = resolve_whisper_model(settings.whisper_model, configured, data_dir)
    return WhisperOptions(
        language=settings.language,
        mode=settings.mode,
        end_silence_s=settings.end_silence_s,
        model_dir=model,
        beam_size=settings.beam_size,
        threads=settings.threads,
        compute_type=settings.compute_type,
        max_waiting_decodes=settings.max_waiting_decodes,
    )
