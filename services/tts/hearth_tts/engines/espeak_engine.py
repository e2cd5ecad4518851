"""espeak-ng: a voice for every language it knows, small and fast, robotic. Voices are named
`espeak:<language>` (`espeak:en-us`, `espeak:de`); nothing is loaded, each sentence is one run of
the espeak-ng program (hearth.espeak), as the demo and the tests speak."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

import numpy as np

from hearth import espeak
from hearth.registry import EngineSpec
from hearth_tts.engines.base import TtsEngine, Voice, VoiceInfo
from hearth_tts.engines.errors import TtsError, VoiceNotFoundError

PREFIX = "espeak:"
SAMPLE_RATE = 22050
"""What espeak-ng writes."""
LIST_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class EspeakOptions:
    speed: int = 165
    """Words per minute."""


def list_languages() -> tuple[str, ...]:
    """The languages espeak-ng has voices for (`espeak-ng --voices`), lowercase."""
    try:
        listing = subprocess.run(
            [espeak.PROGRAM, "--voices"],
            capture_output=True,
            text=True,
            timeout=LIST_TIMEOUT_S,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise TtsError(f"espeak-ng could not list its voices: {exc}") from exc
    languages = []
    for line in listing.splitlines()[1:]:  # the first line is the header
        columns = line.split()
        if len(columns) >= 2:
            languages.append(columns[1].lower())
    return tuple(dict.fromkeys(languages))


class EspeakVoice(Voice):
    def __init__(self, info: VoiceInfo, speed: int) -> None:
        self.info = info
        self.arguments = espeak.voice_arguments(info.language, speed=speed)

    def synthesize(self, text: str) -> np.ndarray:
        # A leading space: text that starts with "-" must not be read as an option.
        try:
            wav = espeak.speak(" " + text, self.arguments)
        except espeak.SynthesisError as exc:
            raise TtsError(str(exc)) from exc
        samples, _rate = espeak.wav_samples(wav)
        return samples.astype(np.int16)


class EspeakEngine(TtsEngine):
    name = "espeak"

    def __init__(self, options: EspeakOptions) -> None:
        if not espeak.available():
            raise TtsError(
                "espeak-ng is not installed; install it (Debian/Ubuntu: apt install espeak-ng)"
            )
        self.options = options
        self.languages = list_languages()

    def voices(self) -> tuple[VoiceInfo, ...]:
        return tuple(
            VoiceInfo(PREFIX + language, self.name, language, SAMPLE_RATE)
            for language in self.languages
        )

    def load_voice(self, name: str) -> Voice:
        language = name.removeprefix(PREFIX)
        if not name.startswith(PREFIX) or language not in self.languages:
            raise VoiceNotFoundError(f"no espeak-ng voice {name!r} (voices: espeak:<language>)")
        return EspeakVoice(VoiceInfo(name, self.name, language, SAMPLE_RATE), self.options.speed)


ESPEAK: EngineSpec[EspeakOptions, TtsEngine] = EngineSpec("espeak", EspeakOptions, EspeakEngine)
