"""Settings of the policy service (section `policy` of the config file)."""

from __future__ import annotations

from pydantic import Field

from hearth.service import ServiceSection


class PolicySettings(ServiceSection):
    metrics_port: int = Field(9105, ge=0, le=65535)
    """Port of the /metrics endpoint."""
    lease_s: float = Field(3.0, ge=0.5, le=60)
    """Capture stops if the audio service hears no grant for this long (fail closed)."""
    session_max_s: float = Field(10.0, ge=1, le=60)
    """Longest a session may send audio to speech-to-text."""
    preroll_s: float = Field(0.5, ge=0, le=2)
    """Audio from before the wake word's end that a session may include."""
    token_grace_s: float = Field(5.0, ge=1, le=60)
    """How long after its maximum length a session token stays valid (covers slow networks)."""
