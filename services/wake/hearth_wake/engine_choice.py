"""Which wake engine (and verifier) to run, and with what options: this is where the wake settings
become one engine's options.

Built-in engines take theirs from the named `wake.*` settings; a plug-in engine gets
`wake.engine_options`, checked against its own options type, and never the service's settings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hearth.registry import EngineOptionsError, EngineSpec
from hearth_wake.engines.base import WakeEngine
from hearth_wake.engines.embedding import EmbeddingOptions
from hearth_wake.engines.pocketsphinx_kws import PocketsphinxKwsOptions
from hearth_wake.engines.registry import WAKE_ENGINES
from hearth_wake.engines.vosk_kws import VoskKwsOptions
from hearth_wake.settings import WakeSettings
from hearth_wake.verifier import VoskVerifier, VoskVerifierOptions


def vosk_model_dir(settings: WakeSettings, data_dir: Path | None) -> Path | None:
    """wake.vosk_model_dir, else where `hearth models pull` installs (<data_dir>/models)."""
    if settings.vosk_model_dir is None and data_dir is not None:
        return data_dir / "models"
    return settings.vosk_model_dir


def embedding_options(settings: WakeSettings, _data_dir: Path | None) -> EmbeddingOptions:
    return EmbeddingOptions(
        model=settings.model,
        refractory_s=settings.refractory_s,
        frames_in_a_row=settings.frames_in_a_row,
        threads=settings.threads,
    )


def pocketsphinx_options(settings: WakeSettings, _data_dir: Path | None) -> PocketsphinxKwsOptions:
    return PocketsphinxKwsOptions(keyphrase=settings.keyphrase, refractory_s=settings.refractory_s)


def vosk_options(settings: WakeSettings, data_dir: Path | None) -> VoskKwsOptions:
    return VoskKwsOptions(
        keyphrase=settings.keyphrase,
        language=settings.language,
        model_dir=vosk_model_dir(settings, data_dir),
        fillers=settings.vosk_fillers,
        refractory_s=settings.refractory_s,
    )


BUILT_IN_OPTIONS: dict[str, Callable[[WakeSettings, Path | None], object]] = {
    "embedding": embedding_options,
    "pocketsphinx": pocketsphinx_options,
    "vosk": vosk_options,
}


def choose_engine(
    settings: WakeSettings, data_dir: Path | None = None
) -> tuple[EngineSpec[Any, WakeEngine], object]:
    """The configured engine's spec and its options (imports the engine's module, loads nothing)."""
    spec = WAKE_ENGINES.get(settings.engine)
    options_for = BUILT_IN_OPTIONS.get(settings.engine)
    if options_for is None:
        return spec, spec.parse_options(settings.engine_options, "wake.engine_options")
    if settings.engine_options:
        raise EngineOptionsError(
            f"wake.engine_options is for plug-in engines; the built-in engine {settings.engine!r} "
            "takes its options from the other wake settings"
        )
    return spec, options_for(settings, data_dir)


def load_engine(settings: WakeSettings, data_dir: Path | None = None) -> WakeEngine:
    """Choose and load the configured engine (blocking: call it off the event loop)."""
    spec, options = choose_engine(settings, data_dir)
    return spec.load(options)


def verifier_options(settings: WakeSettings, data_dir: Path | None) -> VoskVerifierOptions | None:
    """The verifier's options, or None when `wake.verify` is off."""
    if settings.verify == "off":
        return None
    return VoskVerifierOptions(
        language=settings.language,
        model_dir=vosk_model_dir(settings, data_dir),
        fillers=settings.vosk_fillers,
        sensitivity=settings.verify_sensitivity,
    )


def load_verifier(
    settings: WakeSettings, data_dir: Path | None, phrases: Iterable[str]
) -> VoskVerifier | None:
    """The configured verifier for the engine's phrases, or None (blocking: model loading)."""
    options = verifier_options(settings, data_dir)
    return None if options is None else VoskVerifier.load(options, phrases)
