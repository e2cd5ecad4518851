"""Speech synthesis with espeak-ng, resampled to the 16 kHz int16 audio Hearth uses everywhere."""

from __future__ import annotations

import io
import shutil
import subprocess
import wave

import numpy as np

from hearth_wake.training.voices import Voice

SAMPLE_RATE = 16000
SYNTH_TIMEOUT_S = 30.0


class SynthesisError(RuntimeError):
    """espeak-ng is missing or failed; training cannot make speech without it."""


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


def synthesize(text: str, voice: Voice) -> np.ndarray:
    """Speak ``text`` and return trimmed 16 kHz int16 samples."""
    if not espeak_available():
        raise SynthesisError(
            "espeak-ng is not installed; install it (Debian: `apt-get install espeak-ng`)."
        )
    try:
        result = subprocess.run(
            ["espeak-ng", *voice.args(), "--stdout", text],
            capture_output=True,
            timeout=SYNTH_TIMEOUT_S,
            check=True,
        )
    except subprocess.TimeoutExpired as exc:
        raise SynthesisError(
            f"espeak-ng took longer than {SYNTH_TIMEOUT_S:.0f} s for voice {voice.name}."
        ) from exc
    except subprocess.CalledProcessError as exc:
        raise SynthesisError(
            f"espeak-ng failed for voice {voice.name}: {exc.stderr.decode(errors='replace')[:200]}"
        ) from exc
    samples, rate = _read_wav(result.stdout)
    return trim(resample(samples, rate, SAMPLE_RATE))


def _read_wav(data: bytes) -> tuple[np.ndarray, int]:
    """espeak-ng writes a WAV with an unknown length in the header when piping; read frames ourselves."""
    with wave.open(io.BytesIO(data[:44] + b"\0\0")) as reader:
        rate = reader.getframerate()
    raw = data[44:]
    samples = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2").astype(np.float32)
    return samples, rate


def resample(samples: np.ndarray, rate_in: int, rate_out: int) -> np.ndarray:
    """Band-limited resampling by FFT; exact enough for speech and needs no scipy."""
    if rate_in == rate_out or samples.size == 0:
        return samples.astype(np.float32)
    n_out = int(round(samples.size * rate_out / rate_in))
    spectrum = np.fft.rfft(samples)
    keep = n_out // 2 + 1
    spectrum = (
        spectrum[:keep] if spectrum.size >= keep else np.pad(spectrum, (0, keep - spectrum.size))
    )
    return (np.fft.irfft(spectrum, n_out) * (n_out / samples.size)).astype(np.float32)


def trim(samples: np.ndarray, floor: float = 60.0) -> np.ndarray:
    """Cut leading/trailing silence so the phrase end is known to within a few ms."""
    loud = np.flatnonzero(np.abs(samples) > floor)
    if loud.size == 0:
        return samples[:0]
    return samples[loud[0] : loud[-1] + 1]
