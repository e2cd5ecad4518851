"""Which engines to run and with what options: this is where the tts settings become each engine's
options. Built-in engines take theirs from the named `tts.*` settings; a plug-in engine gets
`tts.engine_options[<name>]`, checked against its own options type."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hearth.registry import EngineOptionsError
from hearth_tts.engines.base import TtsEngine
from hearth_tts.engines.espeak_engine import EspeakOptions
from hearth_tts.engines.piper_engine import PiperOptions
from hearth_tts.engines.registry import TTS_ENGINES
from hearth_tts.settings import TtsSettings


def piper_voice_dir(settings: TtsSettings, data_dir: Path) -> Path:
    """tts.piper_voice_dir, else where `hearth models pull piper-<voice>` installs."""
    if settings.piper_voice_dir is not None:
        return settings.piper_voice_dir.expanduser()
    return data_dir / "models" / "piper"


def piper_options(settings: TtsSettings, data_dir: Path) -> PiperOptions:
    return PiperOptions(
        voice_dir=piper_voice_dir(settings, data_dir),
        threads=settings.piper_threads,
        length_scale=settings.length_scale,
    )


def espeak_options(settings: TtsSettings, _data_dir: Path) -> EspeakOptions:
    return EspeakOptions(speed=settings.espeak_speed)


BUILT_IN_OPTIONS: dict[str, Callable[[TtsSettings, Path], object]] = {
    "piper": piper_options,
    "espeak": espeak_options,
}


def load_engines(settings: TtsSettings, data_dir: Path) -> list[TtsEngine]:
    """The configured engines, loaded (blocking: call it off the event loop)."""
    unknown_options = set(settings.engine_options) - set(settings.engines)
    if unknown_options:
        raise EngineOptionsError(
            f"tts.engine_options names {', '.join(sorted(unknown_options))}, not in tts.engines"
        )
    engines = []
    for name in settings.engines:
        spec = TTS_ENGINES.get(name)
        options_for = BUILT_IN_OPTIONS.get(name)
        if options_for is not None:
            if name in settings.engine_options:
                raise EngineOptionsError(
                    f"tts.engine_options is for plug-in engines; the built-in engine {name!r} "
                    "takes its options from the other tts settings"
                )
            options = options_for(settings, data_dir)
        else:
            options = spec.parse_options(
                settings.engine_options.get(name, {}), f"tts.engine_options.{name}"
            )
        engines.append(spec.load(options))
    return engines
