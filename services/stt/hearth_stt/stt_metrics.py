"""Metrics only stt can give: refused streams, decoding speed, model load time, vocabulary fit.

Labels are refusal reasons named in code: a bounded set. docs/metrics.md lists them all.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REFUSED = Counter("hearth_stt_refused_streams_total", "Transcription streams refused", ["reason"])
REAL_TIME_FACTOR = Histogram(
    "hearth_stt_real_time_factor",
    "Decode time divided by audio duration",
    buckets=(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0),
)
MODEL_LOAD = Gauge("hearth_stt_model_load_seconds", "Time the speech model took to load")
LATENCY_OBJECTIVE = Gauge(
    "hearth_stt_latency_objective_seconds",
    "End of speech to intent p95 the loaded engine is expected to meet (0.3 grammar, 1.0 Whisper)",
)
MISSING_WORDS = Gauge(
    "hearth_stt_vocabulary_missing_words", "Vocabulary words the speech model cannot recognise"
)
DECODES_REFUSED = Counter(
    "hearth_stt_decodes_refused_total",
    "Utterances left undecoded because too many decodes were already waiting",
)
FAST_PATH = Counter(
    "hearth_stt_fast_path_total",
    "Hybrid engine: utterances answered by the grammar engine (it was sure) or by Whisper",
    ["engine"],
)
UNSURE = Counter(
    "hearth_stt_unsure_total",
    "Open-vocabulary transcripts dropped because the engine was not confident enough",
)
SNAPPED = Counter(
    "hearth_stt_snapped_total",
    "Final transcripts by how they met the vocabulary: exact, snapped, or not snapped",
    ["outcome"],
)
SCORED = Counter(
    "hearth_stt_scored_total",
    "Whisper transcripts whose nearest vocabulary sentences were scored against the audio, by "
    "outcome: chosen, as_heard, too_close, unlikely, busy",
    ["outcome"],
)
SNAP_OUTCOMES = ("exact", "snapped", "not")
VOCABULARY_WORDS = Gauge(
    "hearth_stt_vocabulary_words", "Words in the grammar the recogniser is using"
)
TRANSCRIPTS_CUT = Counter(
    "hearth_stt_transcripts_cut_total",
    "Transcripts cut to the longest a transcript may be (events.MAX_TRANSCRIPT_CHARS) before "
    "publishing",
)


def start_counting(scores: bool, score_outcomes: tuple[str, ...]) -> None:
    """Give the vocabulary outcomes their series at zero, so the dashboard shows "none yet" rather
    than "no data"; the scoring outcomes only on an engine that scores (Whisper), so a pocketsphinx
    home is not shown a Whisper line."""
    for outcome in SNAP_OUTCOMES:
        SNAPPED.labels(outcome)
    if scores:
        for outcome in score_outcomes:
            SCORED.labels(outcome)
