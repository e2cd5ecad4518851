"""Whisper as an acoustic judge, shared by the services that read speech with it: stt decodes
commands with it, and the wake service's check (`wake.verify: whisper`) asks it whether a
detection's audio really holds the wake phrase. Both need the same three steps, so they live here,
below both services (a service never imports another):

- ``encode`` one stretch of audio (Whisper's 30 s window, after a moment of silence);
- ``greedy_transcript``: what Whisper writes for it, from given start tokens (the prompt);
- ``score_sentences``: each given sentence's log-probability as the transcript of the same audio,
  reading only the encoder frames that hold the audio and a second after (about five times faster
  than attending to the whole window).

faster-whisper (CTranslate2) is imported inside the functions: the base package must import
without the `stt` extra.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hearth.pcm import SAMPLE_RATE

LEAD_IN_SAMPLES = int(0.3 * SAMPLE_RATE)
SCORED_CONTEXT_FRAMES = 50
"""Encoder frames (20 ms each) after the audio that sentence scoring still attends to."""
WINDOW_S = 30.0
"""Seconds the encoder reads: Whisper was trained on 30 s windows, and shorter ones, which
CTranslate2 accepts, hear worse (measured for the wake check, docs/wake-word.md)."""
_MEL_FRAMES_PER_S = 100
_PUNCTUATION = re.compile(r"[^\w\s']")


class WhisperLanguageError(ValueError):
    """The model does not speak the configured language."""


@dataclass(frozen=True)
class Encoded:
    """One stretch of audio through Whisper's encoder (a 30 s window, 1500 frames of 20 ms)."""

    frames_out: np.ndarray
    """The encoder's output, [1, 1500, width]."""
    frames: int
    """Mel frames (10 ms) that hold the audio, before the window's padding."""


@dataclass(frozen=True)
class Transcript:
    """What Whisper wrote, with its own measures of belief."""

    text: str
    """Whitespace-normalised; empty when it wrote nothing."""
    mean_logprob: float
    """Mean log-probability of the written tokens."""
    no_speech_prob: float
    """Whisper's belief that the window holds no speech."""


def whisper_language(language: str) -> str:
    """Whisper names languages by their bare code: 'en-US' -> 'en'."""
    return language.strip().lower().replace("_", "-").split("-")[0]


def comparable(text: str) -> str:
    """Lowercase words without punctuation, to compare transcripts with each other and with
    phrases."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower()).split())


def padded_audio(pcm: bytes) -> np.ndarray:
    """Samples as Whisper reads them, after a moment of silence. Speech that starts at the first
    sample (a talk button, no pre-roll) made Whisper write the prompt's last name instead ("fan,"):
    measured on Piper's voice, 1 of 4 commands right without a lead-in, 3 of 4 with it."""
    audio = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    return np.concatenate([np.zeros(LEAD_IN_SAMPLES, dtype=np.float32), audio])


def load_model(model_dir: Path, language: str, *, compute_type: str, threads: int) -> Any:
    """A faster-whisper model on the CPU (blocking: reads the model); refuses a model that does not
    speak ``language``."""
    from faster_whisper import WhisperModel

    model = WhisperModel(
        str(model_dir), device="cpu", compute_type=compute_type, cpu_threads=threads
    )
    if whisper_language(language) not in model.supported_languages:
        raise WhisperLanguageError(f"the Whisper model does not speak {language!r}")
    return model


def tokenizer_for(model: Any, language: str) -> Any:
    """The model's tokenizer for transcribing ``language``."""
    from faster_whisper.tokenizer import Tokenizer

    return Tokenizer(
        model.hf_tokenizer,
        model.model.is_multilingual,
        task="transcribe",
        language=whisper_language(language),
    )


def encode(model: Any, pcm: bytes, window_s: float = WINDOW_S) -> Encoded:
    """Little-endian 16-bit mono 16 kHz audio through the encoder, once, in a window of
    ``window_s`` seconds (Whisper's 30 unless a caller measures another)."""
    from faster_whisper.audio import pad_or_trim

    features = model.feature_extractor(padded_audio(pcm))
    window_frames = round(window_s * _MEL_FRAMES_PER_S)
    encoded = np.asarray(model.encode(pad_or_trim(features, window_frames)))
    return Encoded(encoded, int(features.shape[-1]))


def greedy_transcript(
    model: Any,
    tokenizer: Any,
    encoded: Encoded,
    start: Sequence[int],
    *,
    beam_size: int = 1,
    max_length: int = 128,
) -> Transcript:
    """Decode from ``start`` (a prompt, then the task tokens), without timestamps or temperature
    fallbacks: an utterance that needs a fallback is too unsure to act on anyway."""
    import ctranslate2  # type: ignore[import-untyped]

    generated = model.model.generate(
        ctranslate2.StorageView.from_array(encoded.frames_out),
        [[*start, tokenizer.no_timestamps]],
        beam_size=beam_size,
        max_length=max_length,
        return_scores=True,
        return_no_speech_prob=True,
        suppress_blank=True,
        suppress_tokens=[-1],
    )[0]
    text = " ".join(tokenizer.decode(generated.sequences_ids[0]).split())
    return Transcript(text, float(generated.scores[0]), float(generated.no_speech_prob))


def score_sentences(
    model: Any, tokenizer: Any, encoded: Encoded, sentences: Sequence[str]
) -> list[float]:
    """Each sentence's log-probability (nats) as the unprompted transcript of ``encoded``. A
    sentence is scored as Whisper would write it, with a leading space and a closing full stop."""
    import ctranslate2

    if not sentences:
        return []
    used = min(encoded.frames_out.shape[1], encoded.frames // 2 + SCORED_CONTEXT_FRAMES)
    tokens = [tokenizer.encode(f" {sentence.strip()}.") for sentence in sentences]
    batch = np.ascontiguousarray(np.repeat(encoded.frames_out[:, :used, :], len(tokens), axis=0))
    aligned = model.model.align(
        ctranslate2.StorageView.from_array(batch),
        list(tokenizer.sot_sequence),
        tokens,
        [encoded.frames] * len(tokens),
    )
    return [sum(math.log(max(p, 1e-12)) for p in result.text_token_probs) for result in aligned]
