"""How speech is heard: tempo, a room, background noise at an SNR, a microphone's colouring and a
far-field level, applied in that order (talker, room, air, device, gain), reproducibly per seed.

SNR is the active speech level at the microphone (after the room) over the noise's RMS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfilt

from hearth.pcm import SAMPLE_RATE
from hearth_voices import sox
from hearth_voices.audio import active_rms, to_float, to_int16
from hearth_voices.noises import NOISE_KINDS, noise
from hearth_voices.rooms import DISTANCE_M, RT60_S, Room, reverberate


@dataclass(frozen=True)
class Microphone:
    """A device's pass band and spectral slope (dB per octave above 1 kHz)."""

    low_hz: float
    high_hz: float
    tilt_db_per_octave: float = 0.0


MICROPHONES = {
    "telephone": Microphone(300.0, 3400.0),
    "laptop": Microphone(150.0, 7000.0, -3.0),
    "tinny": Microphone(600.0, 7500.0, 2.0),
    "muffled": Microphone(80.0, 2500.0, -2.0),
}


@dataclass(frozen=True)
class Condition:
    """``tempo`` scales the speaking rate; ``room`` reverberates; ``noise`` (one of NOISE_KINDS)
    is added at ``snr_db``; ``microphone`` (one of MICROPHONES) colours; ``level_db`` is the gain
    of the whole clip (negative: a far, quiet talker)."""

    name: str
    tempo: float = 1.0
    room: Room | None = None
    noise: str | None = None
    snr_db: float = 20.0
    microphone: str | None = None
    level_db: float = 0.0


CLEAN = Condition("clean")
NOISY = Condition("noisy", noise="pink", snr_db=10.0)
REVERBERANT = Condition("reverberant", room=Room(rt60_s=0.6, distance_m=2.5))
FAST = Condition("fast", tempo=1.25)
SLOW = Condition("slow", tempo=0.8)
FAR = Condition(
    "far", room=Room(rt60_s=0.4, distance_m=4.0), noise="pink", snr_db=20.0, level_db=-20.0
)
STANDARD_CONDITIONS = (CLEAN, NOISY, REVERBERANT, FAST, SLOW, FAR)
"""The benchmarks' named set: one condition per way a real command differs from clean speech."""


def apply(samples: np.ndarray, condition: Condition, seed: int) -> np.ndarray:
    """int16 speech heard under ``condition``; the same seed gives the same samples."""
    if condition.noise is not None and condition.noise not in NOISE_KINDS:
        raise ValueError(f"unknown noise {condition.noise!r}; known: {', '.join(NOISE_KINDS)}")
    rng = np.random.default_rng([seed, 1])
    heard = sox.change_tempo(to_float(samples), condition.tempo)
    if condition.room is not None:
        heard = reverberate(heard, condition.room, seed)
    if condition.noise is not None:
        background = noise(condition.noise, heard.size, rng)
        heard = heard + background * active_rms(heard) * 10 ** (-condition.snr_db / 20)
    if condition.microphone is not None:
        heard = colour(heard, MICROPHONES[condition.microphone])
    return to_int16(heard * 10 ** (condition.level_db / 20))


def colour(samples: np.ndarray, microphone: Microphone) -> np.ndarray:
    """The microphone's band-pass (2nd-order edges) and tilt."""
    sections = butter(
        2, [microphone.low_hz, microphone.high_hz], btype="bandpass", fs=SAMPLE_RATE, output="sos"
    )
    filtered = sosfilt(sections, samples.astype(np.float64))
    if microphone.tilt_db_per_octave:
        spectrum = np.fft.rfft(filtered)
        octaves = np.log2(np.maximum(np.fft.rfftfreq(filtered.size, 1 / SAMPLE_RATE), 1e3) / 1e3)
        spectrum *= 10 ** (microphone.tilt_db_per_octave * octaves / 20)
        filtered = np.fft.irfft(spectrum, filtered.size)
    return filtered.astype(np.float32)


def sample_conditions(count: int, seed: int) -> list[Condition]:
    """Random conditions over the whole range (for training): a room three times in four,
    noise of any kind at 0-30 dB SNR four times in five, a microphone colouring one time in
    two, and a level from 0 to -25 dB that falls with the distance."""
    rng = np.random.default_rng([seed, 2])
    conditions = []
    for index in range(count):
        room = None
        if rng.random() < 0.75:
            room = Room(
                rt60_s=round(float(rng.uniform(*RT60_S)), 2),
                distance_m=round(float(rng.uniform(*DISTANCE_M)), 1),
            )
        distance = room.distance_m if room is not None else DISTANCE_M[0]
        conditions.append(
            Condition(
                name=f"sampled-{seed}-{index}",
                room=room,
                noise=str(rng.choice(NOISE_KINDS)) if rng.random() < 0.8 else None,
                snr_db=round(float(rng.uniform(0.0, 30.0)), 1),
                microphone=str(rng.choice(list(MICROPHONES))) if rng.random() < 0.5 else None,
                level_db=round(-5.0 * distance + float(rng.uniform(-5.0, 5.0)), 1),
            )
        )
    return conditions
