"""Metrics only the intent service can give: what was understood.

The intent label takes intent names from the configured templates (empty when nothing matched):
a bounded set. docs/metrics.md lists them all.
"""

from __future__ import annotations

from prometheus_client import Counter

OUTCOMES = Counter(
    "hearth_intent_results_total", "Transcripts matched or not", ["outcome", "intent"]
)
