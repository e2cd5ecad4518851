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
MISSING_WORDS = Gauge(
    "hearth_stt_vocabulary_missing_words", "Vocabulary words the speech model cannot recognise"
)
DECODES_REFUSED = Counter(
    "hearth_stt_decodes_refused_total",
    "Utterances left undecoded because too many decodes were already waiting",
)
VOCABULARY_WORDS = Gauge(
    "hearth_stt_vocabulary_words", "Words in the grammar the recogniser is using"
)
