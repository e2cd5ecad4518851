"""Pure parts of the audio service: WAV conversion and the pre-roll ring."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from hearth.pcm import SAMPLE_RATE, level_dbfs
from hearth_audio.preroll import AudioRing
from hearth_audio.wav import AudioFormatError, read_wav


def _write(path: Path, samples: np.ndarray, rate: int, channels: int, width: int = 2) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(samples.tobytes())
    return path


def _tone(rate: int, seconds: float, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (np.sin(2 * np.pi * freq * t) * 16000).astype("<i2")


def test_44k_stereo_becomes_16k_mono_with_the_same_tone(tmp_path: Path) -> None:
    tone = _tone(44100, 1.0)
    stereo = np.stack([tone, tone], axis=1).reshape(-1)
    samples = read_wav(_write(tmp_path / "a.wav", stereo, 44100, 2))
    assert samples.dtype == np.int16 and abs(samples.size - SAMPLE_RATE) <= 1
    spectrum = np.abs(np.fft.rfft(samples.astype(float)))
    assert abs(np.argmax(spectrum) * SAMPLE_RATE / samples.size - 440) < 3
    assert abs(level_dbfs(samples) - level_dbfs(tone)) < 0.5


def test_8_bit_and_32_bit_are_rescaled(tmp_path: Path) -> None:
    tone = _tone(16000, 0.5)
    eight = ((tone.astype(np.int32) // 256) + 128).astype(np.uint8)
    thirty_two = tone.astype("<i4") << 16
    a = read_wav(_write(tmp_path / "8.wav", eight, 16000, 1, width=1))
    b = read_wav(_write(tmp_path / "32.wav", thirty_two, 16000, 1, width=4))
    assert np.max(np.abs(a.astype(int) - tone)) < 300
    assert np.max(np.abs(b.astype(int) - tone)) <= 1


def test_not_a_wav_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.wav"
    path.write_text("hello")
    with pytest.raises(AudioFormatError, match="not a PCM WAV file.*sox"):
        read_wav(path)
    with pytest.raises(AudioFormatError, match="no such file"):
        read_wav(tmp_path / "missing.wav")


def test_ring_returns_audio_from_an_absolute_offset_and_forgets_the_oldest() -> None:
    ring = AudioRing(capacity_s=1.0)
    chunk = 320  # samples (20 ms)
    for index in range(100):  # 2 s of chunks whose samples carry their own offset
        ring.append((np.arange(index * chunk, (index + 1) * chunk) % 32768).astype("<i2").tobytes())
    assert ring.end_sample == 100 * chunk
    assert ring.start_sample >= 100 * chunk - SAMPLE_RATE - chunk
    tail = np.frombuffer(ring.since(ring.end_sample - 500), dtype="<i2")
    assert tail.size == 500 and tail[0] == (ring.end_sample - 500) % 32768
    assert (
        np.frombuffer(ring.since(0), dtype="<i2").size <= SAMPLE_RATE + chunk
    )  # never older than the capacity


def test_ring_clear_forgets_everything() -> None:
    ring = AudioRing(capacity_s=1.0)
    ring.append(b"\x01\x00" * 320)
    ring.clear()
    assert ring.since(0) == b""
