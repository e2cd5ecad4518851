"""Reading WAV files into Hearth's format (16 kHz, mono, 16-bit), converting what can be
converted."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from hearth.pcm import SAMPLE_RATE, resample_float


class AudioFormatError(ValueError):
    """The file cannot be turned into 16 kHz mono 16-bit audio; the message says what it is
    instead."""


def read_wav(path: Path) -> np.ndarray:
    """int16 mono samples at 16 kHz; other rates are resampled, channels averaged, 8/24/32-bit
    PCM rescaled."""
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate, frames = (
                wav.getnchannels(),
                wav.getsampwidth(),
                wav.getframerate(),
                wav.getnframes(),
            )
            raw = wav.readframes(frames)
    except FileNotFoundError:
        raise AudioFormatError(f"{path}: no such file") from None
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(
            f"{path} is not a PCM WAV file ({exc}); convert it with: sox IN -r 16000 -c 1 -b 16 "
            "OUT.wav"
        ) from None
    if rate < 8000 or rate > 192_000:
        raise AudioFormatError(
            f"{path}: sample rate {rate} Hz is not supported (8000 to 192000 Hz)"
        )
    samples = _to_float(raw, width, path)
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE:
        samples = resample_float(samples, rate, SAMPLE_RATE)
    return np.clip(np.round(samples * 32767.0), -32768, 32767).astype(np.int16)


def _to_float(raw: bytes, width: int, path: Path) -> np.ndarray:
    if width == 1:
        return (np.frombuffer(raw, dtype=np.uint8).astype(np.float64) - 128.0) / 128.0
    if width == 2:
        return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0
    if width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        value = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        value = np.where(value >= 1 << 23, value - (1 << 24), value)
        return value.astype(np.float64) / float(1 << 23)
    if width == 4:
        return np.frombuffer(raw, dtype="<i4").astype(np.float64) / float(1 << 31)
    raise AudioFormatError(f"{path}: {width * 8}-bit samples are not supported")
