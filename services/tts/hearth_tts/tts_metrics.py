"""Metrics only the speech service can give: how fast it speaks, how much, and how requests end.

Labels are engines and outcomes, both named in code: bounded sets. No text, voice request or site
content ever becomes a label. docs/metrics.md lists them all.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

SYNTHESIS_SECONDS = Histogram(
    "hearth_tts_synthesis_seconds",
    "Time one sentence took to synthesise (cache hits excluded)",
    ["engine"],
    buckets=(0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0),
)
FIRST_AUDIO_SECONDS = Histogram(
    "hearth_tts_time_to_first_audio_seconds",
    "Synthesize request received to its first samples sent",
    ["engine"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.0),
)
CHARACTERS = Counter(
    "hearth_tts_characters_total", "Characters synthesised (cache hits excluded)", ["engine"]
)
AUDIO_SECONDS = Counter("hearth_tts_audio_seconds_total", "Seconds of speech sent", ["engine"])
REQUESTS = Counter(
    "hearth_tts_requests_total", "Synthesize requests by how they ended", ["outcome"]
)
CACHE = Counter(
    "hearth_tts_cache_total", "Sentences looked up in the phrase cache: hit or miss", ["outcome"]
)
CACHED_SENTENCES = Gauge(
    "hearth_tts_cached_sentences", "Sentences held in the phrase cache (in memory only)"
)
LOADED_VOICES = Gauge("hearth_tts_loaded_voices", "Voices loaded in memory")
VOICE_LOAD_SECONDS = Histogram(
    "hearth_tts_voice_load_seconds",
    "Time a voice took to load (at start, or on first use)",
    ["engine"],
    buckets=(0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0),
)
