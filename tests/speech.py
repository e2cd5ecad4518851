"""Test speech: espeak-ng through Hearth's one wrapper (hearth.espeak), converted to Hearth's
16 kHz mono s16le with sox, made at test time (never shipped as a fixture)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from hearth import espeak
from tests import timeouts

RATE = 16_000


def to_16k_pcm(wav: bytes) -> bytes:
    """A WAV (any rate; espeak-ng's piped header is fine) as 16 kHz mono s16le PCM."""
    return subprocess.run(
        ["sox", "-R", "-t", "wav", "-", "-r", str(RATE), "-c", "1", "-b", "16"]
        + ["-e", "signed-integer", "-t", "raw", "-"],
        input=wav,
        capture_output=True,
        check=True,
        timeout=timeouts.SYNTH_S,
    ).stdout


def espeak_pcm(
    text: str, voice: str = "en-us", speed: int | None = None, pitch: int | None = None
) -> bytes:
    """``text`` spoken by espeak-ng, as 16 kHz PCM bytes."""
    arguments = espeak.voice_arguments(voice, speed, pitch)
    return to_16k_pcm(espeak.speak(text, arguments, timeouts.SYNTH_S))


def espeak_samples(text: str, voice: str = "en-us", speed: int | None = None) -> np.ndarray:
    """``text`` spoken by espeak-ng, as 16 kHz int16 samples."""
    return np.frombuffer(espeak_pcm(text, voice, speed), dtype="<i2").copy()


def espeak_wav(
    text: str, path: Path, voice: str = "en-us", speed: int = 150, pitch: int = 50
) -> Path:
    """A WAV file as espeak-ng makes it (22.05 kHz): what `hearth run-file` is given in the
    tests."""
    return espeak.speak_to_file(
        text, path, espeak.voice_arguments(voice, speed, pitch), timeouts.SYNTH_S
    )


def voice_wav(text: str, path: Path, family: str, seed: int = 0) -> Path:
    """``text`` spoken by a pseudo-speaker of another voice family (hearth_voices: Piper's neural
    voice of a real speaker, Festival's diphones of another), as a 16 kHz WAV."""

    from hearth_voices import sample_voices, speak

    return write_wav(path, speak(text, sample_voices(family, count=1, seed=seed)[0]))


def woken_command_wav(command: str, path: Path, family: str = "piper", seed: int = 0) -> Path:
    """ "hey hestia" as espeak-ng says it (the one voice family the shipped wake model hears: the
    wake-word issue), a short pause, then ``command`` spoken by another family: a whole command
    through the wake word, with a command Whisper can hear."""

    from hearth_voices import sample_voices, speak

    wake = np.frombuffer(
        to_16k_pcm(espeak.speak("hey hestia", espeak.voice_arguments("en-us", 150))), dtype="<i2"
    )
    spoken = speak(command, sample_voices(family, count=1, seed=seed)[0])
    return write_wav(path, np.concatenate([wake, PAUSE_AFTER_WAKE, spoken]))


PAUSE_AFTER_WAKE = np.zeros(int(0.8 * RATE), dtype=np.int16)
"""People pause after the wake word; the detection comes a few hundred milliseconds after the
phrase ends and a session keeps 0.2 s from before it, so a command that starts sooner loses its
first word (measured: "what time is it" with a 0.3 s pause was not recognised)."""


def one_voice_woken_wav(command: str, path: Path, voice: Any) -> Path:
    """ "hey hestia", a pause and ``command``, all said by one hearth_voices voice: a household
    member of any family talking to Hearth from the wake word on."""
    from hearth_voices import speak

    samples = [speak("hey hestia", voice), PAUSE_AFTER_WAKE, speak(command, voice)]
    return write_wav(path, np.concatenate(samples))


def write_wav(path: Path, samples: np.ndarray) -> Path:
    """16 kHz mono 16-bit samples as a WAV file (what `hearth run-file` plays)."""
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(samples.astype("<i2").tobytes())
    return path
