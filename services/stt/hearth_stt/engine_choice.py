"""Which speech engine to run and with what options: the configured one, or for `auto` the best
that is installed. This is where the service's settings become one engine's options."""

from __future__ import annotations

import logging
from pathlib import Path

from hearth.models import (
    ModelNotFoundError,
    WhisperModelNotFoundError,
    resolve_vosk_model,
    resolve_whisper_model,
)
from hearth_stt.closed_domain import ClosedDomainOptions
from hearth_stt.engines.base import SttEngine
from hearth_stt.engines.hybrid_engine import HybridOptions
from hearth_stt.engines.options import RecognitionOptions
from hearth_stt.engines.pocketsphinx_engine import PocketsphinxOptions
from hearth_stt.engines.registry import STT_ENGINES
from hearth_stt.engines.vosk_engine import VoskOptions
from hearth_stt.engines.whisper_engine import WhisperOptions
from hearth_stt.settings import SttSettings

log = logging.getLogger(__name__)


def choose_engine(settings: SttSettings, data_dir: Path) -> SttEngine:
    """Resolve and load the engine (blocking: call it off the event loop)."""
    name: str = settings.engine
    if name == "auto":
        name = auto_engine(settings, data_dir)
    options: RecognitionOptions
    if name == "whisper":
        options = whisper_options(settings, data_dir)
    elif name == "hybrid":
        options = HybridOptions(
            language=settings.language,
            mode="grammar",
            end_silence_s=settings.end_silence_s,
            fast_engine=settings.fast_engine,
            fast_options=grammar_options(settings.fast_engine, settings, data_dir),
            whisper_options=whisper_options(settings, data_dir),
            min_fast_confidence=settings.min_fast_confidence,
        )
    else:
        options = grammar_options(name, settings, data_dir)
    return STT_ENGINES.get(name).load(options)


def auto_engine(settings: SttSettings, data_dir: Path) -> str:
    """Whisper for English when its model is there (it understands people best), else a Vosk model
    for the language, else pocketsphinx's built-in English model."""
    english = settings.language.lower().startswith("en")
    if english:
        try:
            whisper_options(settings, data_dir)
            return "whisper"
        except (WhisperModelNotFoundError, ImportError):
            log.info("no Whisper model (or faster-whisper) installed; trying Vosk")
    try:
        resolve_vosk_model(settings.language, _vosk_dir(settings), data_dir=data_dir / "models")
        return "vosk"
    except ModelNotFoundError:
        if not english:
            raise
    log.info(
        "no Vosk model for %r installed; using pocketsphinx's English model", settings.language
    )
    return "pocketsphinx"


def grammar_options(name: str, settings: SttSettings, data_dir: Path) -> RecognitionOptions:
    if name == "vosk":
        model = resolve_vosk_model(
            settings.language, _vosk_dir(settings), data_dir=data_dir / "models"
        )
        return VoskOptions(
            language=settings.language,
            mode=settings.mode,
            end_silence_s=settings.end_silence_s,
            model_dir=model,
        )
    return PocketsphinxOptions(
        language=settings.language, mode=settings.mode, end_silence_s=settings.end_silence_s
    )


def whisper_options(settings: SttSettings, data_dir: Path) -> WhisperOptions:
    """The Whisper engine's options; finding the model may join and verify it once (blocking)."""
    import faster_whisper  # noqa: F401  (checked here so `auto` can fall back when it is absent)

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
        assistant_name=assistant_name(settings.wake_phrases),
    )


def assistant_name(wake_phrases: tuple[str, ...]) -> str:
    """The name the wake phrase calls the assistant by ("hey hestia" -> "Hestia"), for Whisper's
    prompt."""
    words = wake_phrases[0].split() if wake_phrases else []
    return words[-1].capitalize() if words else "Hestia"


def closed_domain_options(settings: SttSettings) -> ClosedDomainOptions:
    return ClosedDomainOptions(
        max_distance=settings.snap_max_distance,
        margin=settings.snap_margin,
        min_confidence=settings.whisper_min_confidence,
        wake_phrases=settings.wake_phrases,
        rescore_candidates=settings.rescore_candidates,
        min_score_lead=settings.min_score_lead,
        min_token_logprob=settings.min_token_logprob,
        min_heard_token_logprob=settings.min_heard_token_logprob,
        transcript_lead=settings.transcript_lead,
    )


def _vosk_dir(settings: SttSettings) -> Path | None:
    return settings.model_dir.expanduser() if settings.model_dir else None
