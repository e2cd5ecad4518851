"""Room impulse responses from pyroomacoustics' image-source model: shoebox rooms of a given
reverberation time with the talker a given distance from the microphone, reproducible per seed
and cached, because one response takes up to a second to compute."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from hearth.pcm import SAMPLE_RATE

RT60_S = (0.2, 0.8)
"""Furnished living rooms to a bare kitchen or hall; longer rooms cost seconds per response."""
DISTANCE_M = (0.5, 5.0)
ROOM_MIN_M = (3.0, 3.0, 2.4)
ROOM_MAX_M = (8.0, 6.0, 3.2)
WALL_MARGIN_M = 0.3
LEAD_SAMPLES = 32
"""Kept before the direct path: pyroomacoustics' fractional-delay filter starts before it."""


@dataclass(frozen=True)
class Room:
    """Reverberation time (seconds for a 60 dB decay) and talker-to-microphone distance."""

    rt60_s: float
    distance_m: float


def geometry(room: Room, rng: np.random.Generator) -> tuple[list[float], list[float], list[float]]:
    """Room size, talker and microphone positions with the microphone ``distance_m`` away."""
    for _ in range(1000):
        size = rng.uniform(ROOM_MIN_M, ROOM_MAX_M)
        size[0] = max(size[0], room.distance_m + 2 * WALL_MARGIN_M + 0.1)
        talker = np.array(
            [
                rng.uniform(WALL_MARGIN_M, size[0] - WALL_MARGIN_M),
                rng.uniform(WALL_MARGIN_M, size[1] - WALL_MARGIN_M),
                rng.uniform(1.1, 1.8),
            ]
        )
        height = rng.uniform(0.7, 1.5) - talker[2]
        across = np.sqrt(max(room.distance_m**2 - height**2, 0.0))
        angle = rng.uniform(0, 2 * np.pi)
        microphone = talker + np.array([across * np.cos(angle), across * np.sin(angle), height])
        inside = np.all(microphone >= WALL_MARGIN_M) and np.all(microphone <= size - WALL_MARGIN_M)
        if inside:
            return size.tolist(), talker.tolist(), microphone.tolist()
    raise ValueError(f"no room fits a talker {room.distance_m} m from the microphone")


@lru_cache(maxsize=64)
def impulse_response(room: Room, seed: int) -> np.ndarray:
    """The room's response at Hearth's rate, scaled to unit energy (the level of the speech is
    the condition's business, not the room's)."""
    import pyroomacoustics as pra

    rng = np.random.default_rng([seed, round(room.rt60_s * 1000), round(room.distance_m * 1000)])
    size, talker, microphone = geometry(room, rng)
    absorption, max_order = pra.inverse_sabine(room.rt60_s, size)
    shoebox = pra.ShoeBox(
        size, fs=SAMPLE_RATE, materials=pra.Material(absorption), max_order=max_order
    )
    shoebox.add_source(talker)
    shoebox.add_microphone(microphone)
    shoebox.compute_rir()
    response = np.asarray(shoebox.rir[0][0], dtype=np.float64)
    start = max(0, int(np.argmax(np.abs(response))) - LEAD_SAMPLES)
    response = response[start:]
    return (response / np.sqrt(np.sum(np.square(response)))).astype(np.float32)


def reverberate(samples: np.ndarray, room: Room, seed: int) -> np.ndarray:
    """Speech heard in ``room``: the reverberant tail is kept (up to the room's RT60)."""
    from scipy.signal import fftconvolve

    response = impulse_response(room, seed)
    wet = fftconvolve(samples.astype(np.float64), response)
    return wet[: samples.size + int(room.rt60_s * SAMPLE_RATE)].astype(np.float32)
