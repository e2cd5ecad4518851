"""Room and microphone effects for synthetic speech: noise, hum, tones, reverb, tilt and gain.

espeak-ng is clean and dry; kitchens are not, and noisy clips are where a model trained on clean
speech misses. Noise and reverb are applied to positives and negatives alike (otherwise the
classifier would learn "clean = wake word").
"""

from __future__ import annotations

import numpy as np

from hearth.pcm import SAMPLE_RATE


def background(n: int, rng: np.random.Generator) -> np.ndarray:
    """A stationary background: near-silence, white/pink/brown noise, mains hum or a fan-like
    drone."""
    kind = rng.choice(
        ["quiet", "white", "pink", "brown", "hum", "drone"], p=[0.25, 0.15, 0.25, 0.15, 0.1, 0.1]
    )
    if kind == "quiet":
        return rng.normal(0.0, 1.0, n).astype(np.float32)
    if kind == "hum":
        t = np.arange(n) / SAMPLE_RATE
        base = 50.0 if rng.random() < 0.5 else 60.0
        tone = sum(np.sin(2 * np.pi * base * k * t + rng.uniform(0, 6.3)) / k for k in range(1, 6))
        return (tone + 0.05 * rng.normal(0, 1, n)).astype(np.float32)
    white = rng.normal(0.0, 1.0, n)
    exponent = {"white": 0.0, "pink": 1.0, "brown": 2.0, "drone": 1.5}[kind]
    return _coloured(white, exponent).astype(np.float32)


def _coloured(white: np.ndarray, exponent: float) -> np.ndarray:
    spectrum = np.fft.rfft(white)
    freqs = np.fft.rfftfreq(white.size, 1.0 / SAMPLE_RATE)
    spectrum /= np.maximum(freqs, 20.0) ** (exponent / 2.0)
    out = np.fft.irfft(spectrum, white.size)
    return out / (np.std(out) + 1e-9)


def distractor(n: int, rng: np.random.Generator) -> np.ndarray:
    """Non-speech sounds a microphone hears: beeps, chirps, clicks, bursts (all negatives)."""
    t = np.arange(n) / SAMPLE_RATE
    kind = rng.integers(4)
    if kind == 0:  # beeps like an oven or a phone
        freq = rng.uniform(300, 3000)
        gate = (np.sin(2 * np.pi * rng.uniform(1, 5) * t) > 0).astype(np.float32)
        return (np.sin(2 * np.pi * freq * t) * gate).astype(np.float32)
    if kind == 1:  # chirp / siren
        f0, f1 = rng.uniform(200, 2500, 2)
        phase = 2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * max(t[-1], 1e-3)))
        return np.sin(phase).astype(np.float32)
    if kind == 2:  # clicks and knocks
        out = np.zeros(n, dtype=np.float32)
        for start in rng.integers(0, max(n - 400, 1), rng.integers(3, 20)):
            out[start : start + 400] += np.exp(-np.arange(400) / 40.0) * rng.normal(0, 1, 400)
        return out
    bursts = rng.normal(0, 1, n) * (np.sin(2 * np.pi * rng.uniform(0.5, 3) * t) > 0.3)
    return _coloured(bursts, 1.0).astype(np.float32)


def reverb(samples: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Convolve with a synthetic room impulse response (exponentially decaying noise)."""
    rt60 = rng.uniform(0.15, 0.8)
    length = int(rt60 * SAMPLE_RATE)
    t = np.arange(length) / SAMPLE_RATE
    ir = rng.normal(0, 1, length) * np.exp(-6.9 * t / rt60)
    ir[0] = 1.0 / rng.uniform(0.3, 1.0)  # direct path, stronger when the speaker is close
    ir /= np.sqrt(np.sum(ir**2))
    size = samples.size + length - 1
    wet = np.fft.irfft(np.fft.rfft(samples, size) * np.fft.rfft(ir, size), size)[: samples.size]
    return wet.astype(np.float32)


def tilt(samples: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A gentle random spectral slope, like a cheap or distant microphone."""
    spectrum = np.fft.rfft(samples)
    freqs = np.fft.rfftfreq(samples.size, 1.0 / SAMPLE_RATE)
    slope = rng.uniform(-6.0, 4.0)  # dB per octave above 1 kHz
    octaves = np.log2(np.maximum(freqs, 1000.0) / 1000.0)
    spectrum *= 10.0 ** (slope * octaves / 20.0)
    return np.fft.irfft(spectrum, samples.size).astype(np.float32)


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)) + 1e-12))


def speech_rms(speech: np.ndarray, floor: float = 60.0) -> float:
    """The level of the speech itself (samples above ``floor``), not of the pauses in it; 1.0 for
    silence."""
    loud = np.abs(speech) > floor
    return rms(speech[loud]) if np.any(loud) else 1.0


def mix_at_snr(
    signal: np.ndarray, noise: np.ndarray, snr_db: float, speech_rms: float
) -> np.ndarray:
    """Add noise scaled relative to the speech level (not the clip level, which includes
    silence)."""
    scale = speech_rms / (rms(noise) * 10.0 ** (snr_db / 20.0))
    return signal + noise * scale


def to_int16(samples: np.ndarray, level_dbfs: float, reference_rms: float) -> np.ndarray:
    """Set the speech level to ``level_dbfs`` and clip like a real ADC would."""
    gain = (32768.0 * 10.0 ** (level_dbfs / 20.0)) / max(reference_rms, 1e-6)
    return np.clip(np.round(samples * gain), -32768, 32767).astype(np.int16)


def in_a_room(track: np.ndarray, reference_rms: float, rng: np.random.Generator) -> np.ndarray:
    """The recipe's room: sometimes a tilted spectrum, sometimes reverb, always a background at an
    SNR that is mostly noisy. Shared by training clips and the benchmark so both hear the same
    rooms."""
    if rng.random() < 0.5:
        track = tilt(track, rng)
    if rng.random() < 0.35:
        track = reverb(track, rng)
    snr = rng.uniform(25.0, 45.0) if rng.random() < 0.4 else rng.uniform(0.0, 25.0)
    return mix_at_snr(track, background(track.size, rng), snr, reference_rms)
