"""Which wake engine (and verifier) to run, and with what options: this is where the wake settings
become one engine's options.

Built-in engines take theirs from the named `wake.*` settings; a plug-in engine gets
`wake.engine_options`, checked against its own options type, and never the service's settings.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from hearth.models import ModelError, resolve_whisper_model
from hearth.registry import EngineOptionsError, EngineSpec
from hearth.settings import CommonSettings
from hearth_wake.engines.base import WakeEngine
from hearth_wake.engines.embedding import EmbeddingOptions
from hearth_wake.engines.errors import WakeModelError
from hearth_wake.engines.pocketsphinx_kws import PocketsphinxKwsOptions
from hearth_wake.engines.registry import WAKE_ENGINES
from hearth_wake.engines.vosk_kws import VoskKwsOptions
from hearth_wake.settings import WakeSettings
from hearth_wake.verifier import Verifier, VoskVerifier, VoskVerifierOptions
from hearth_wake.whisper_check import WhisperCheckOptions, WhisperVerifier


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
        checked=settings.verify == "whisper",
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
    settings, _ = resolve_verify(settings, data_dir)
    spec, options = choose_engine(settings, data_dir)
    return spec.load(options)


def whisper_check_model(settings: WakeSettings, data_dir: Path | None) -> Path:
    """The Whisper model directory of `verify: whisper` (blocking: may join it from its pip
    packages once); raises ModelError naming what to install."""
    return resolve_whisper_model(
        settings.whisper_model,
        settings.whisper_model_dir,
        data_dir if data_dir is not None else CommonSettings().data_path,
        setting="wake.whisper_model_dir",
    )


def resolve_verify(settings: WakeSettings, data_dir: Path | None) -> tuple[WakeSettings, str]:
    """Settings with `wake.verify: auto` made a choice, and why (for the log): `whisper` for the
    embedding engine when faster-whisper and a Whisper model are installed (the model found is
    kept as `whisper_model_dir`, so it is looked for once), else `off`. Any other value is kept
    as it is."""
    if settings.verify != "auto":
        return settings, "configured"
    reason = ""
    if settings.engine != "embedding":
        reason = f"the {settings.engine} engine is not checked unless wake.verify says so"
    elif importlib.util.find_spec("faster_whisper") is None:
        reason = "faster-whisper is not installed (pip install 'hearth[wake]')"
    else:
        try:
            model_dir = whisper_check_model(settings, data_dir)
        except ModelError as exc:
            reason = str(exc)
    if reason:
        return settings.model_copy(update={"verify": "off"}), f"auto, no check: {reason}"
    found = {"verify": "whisper", "whisper_model_dir": model_dir}
    return settings.model_copy(update=found), "auto"


def verifier_options(
    settings: WakeSettings, data_dir: Path | None
) -> VoskVerifierOptions | WhisperCheckOptions | None:
    """The verifier's options, or None when `wake.verify` is off (blocking for `whisper`: finding
    the model may join it from its pip packages once)."""
    settings, _ = resolve_verify(settings, data_dir)
    if settings.verify == "off":
        return None
    if settings.verify == "whisper":
        return WhisperCheckOptions(
            model_dir=whisper_check_model(settings, data_dir),
            language=settings.language,
            sensitivity=settings.verify_sensitivity,
        )
    return VoskVerifierOptions(
        language=settings.language,
        model_dir=vosk_model_dir(settings, data_dir),
        fillers=settings.vosk_fillers,
        sensitivity=settings.verify_sensitivity,
    )


def load_verifier(
    settings: WakeSettings, data_dir: Path | None, phrases: Iterable[str]
) -> Verifier | None:
    """The configured verifier for the engine's phrases, or None (blocking: model loading)."""
    try:
        options = verifier_options(settings, data_dir)
        if isinstance(options, WhisperCheckOptions):
            return WhisperVerifier.load(options, phrases)
    except ImportError as exc:
        raise WakeModelError(
            f"wake.verify: whisper needs faster-whisper ({exc}); install the wake extra "
            "(`pip install 'hearth[wake]'`) or set wake.verify: off"
        ) from exc
    except (ModelError, ValueError) as exc:
        raise WakeModelError(f"wake.verify: whisper: {exc}") from exc
    return None if options is None else VoskVerifier.load(options, phrases)
