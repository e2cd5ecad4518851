"""The stack `hearth up` runs: the broker and five services, each its own process.

This is the single local description of the topology; deploy/compose.yaml describes the
same services, commands and ports for Docker (a later step makes the compose file the one
source both read).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    """Service name, as in topics, settings sections and metrics."""
    module: str
    """Started as `python -m <module>` (the console script `hearth-<name>` is the same)."""
    extra: str
    """The pip extra that installs what this service needs."""


STACK: tuple[ServiceSpec, ...] = (
    ServiceSpec("policy", "hearth_policy", "policy"),
    ServiceSpec("intent", "hearth_intent", "intent"),
    ServiceSpec("stt", "hearth_stt", "stt"),
    ServiceSpec("wake", "hearth_wake", "wake"),
    ServiceSpec("audio", "hearth_audio", "audio"),
)
