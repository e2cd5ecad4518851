"""Metrics only the intent service can give: what was understood, and how its plugins behave.

The intent label takes intent names from the configured templates (empty when nothing matched),
the plugin label the names of installed plugins' entry points: bounded sets. docs/metrics.md lists
them all.
"""

from __future__ import annotations

from prometheus_client import Counter

OUTCOMES = Counter(
    "hearth_intent_results_total", "Transcripts matched or not", ["outcome", "intent"]
)
PLUGIN_ERRORS = Counter(
    "hearth_plugin_errors_total",
    "Intent plugins that failed, by plugin and what failed",
    ["plugin", "kind"],
)
