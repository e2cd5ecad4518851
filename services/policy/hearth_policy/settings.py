"""Settings of the policy service (section `policy` of the config file)."""

from __future__ import annotations

from pydantic import Field

from hearth.service import ServiceSection
from hearth.settings import Frozen

DAY_S = 86_400.0


class RetentionSettings(Frozen):
    """How long each class of item is kept. The defaults are the promise in docs/privacy.md."""

    audio_s: float = Field(0.0, ge=0, le=30 * DAY_S)
    """Audio clips of sessions; 0 (the default) means audio is never stored. Opting in keeps each
    session's audio this long."""
    transcript_s: float = Field(DAY_S, ge=1, le=365 * DAY_S)
    """What was heard, word for word."""
    intent_s: float = Field(7 * DAY_S, ge=1, le=365 * DAY_S)
    """What was understood (intent name and slots)."""
    session_s: float = Field(30 * DAY_S, ge=1, le=365 * DAY_S)
    """The session log: when a site woke and how the session ended; no words."""
    audit_s: float = Field(365 * DAY_S, ge=60, le=10 * 365 * DAY_S)
    """Audit entries; older ones are pruned and the chain is anchored at the oldest kept."""
    keep_unrecognized_transcripts: bool = False
    """Keep the transcript of a session where nothing was recognised (usually a false wake)."""
    purge_interval_s: float = Field(30.0, ge=0.2, le=60)
    """How often expired items are removed; an item is gone at most this long after it expires."""

    def seconds(self, retention_class: str) -> float:
        return float(getattr(self, f"{retention_class}_s"))


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
    arbitration_window_s: float = Field(0.3, ge=0, le=2)
    """Sites that hear the wake word within this window compete; the one that heard it best (score,
    then loudness) gets the session and the others are told they were superseded. A site asks alone
    (no wait) when no other site is listening. 0 turns it off."""
    follow_up_window_s: float = Field(30.0, ge=1, le=300)
    """A follow-up (the site listening on, without the wake word, after an answer that asked
    something back) is granted only this soon after intent published that answer: it covers
    playing the answer and a moment to reply."""
    retention: RetentionSettings = RetentionSettings()
    """What is kept and for how long."""
    max_store_bytes: int = Field(1 << 30, ge=64 * 1024)
    """Cap on the privacy store's size; when it (or the disk) is full, storing stops and serving
    goes on."""
    privacy_requests_per_s: float = Field(2.0, gt=0, le=100)
    """Forget and Export calls each caller identity may make per second, on average; more are
    refused (RESOURCE_EXHAUSTED), so a client in a loop cannot keep policy deleting or
    exporting."""
    privacy_request_burst: int = Field(30, ge=1, le=1000)
    """Forget and Export calls a caller may make at once before the rate above applies."""
    session_requests_per_s: float = Field(2.0, gt=0, le=100)
    """Session requests (RequestSession) per caller and site per second, on average; more are
    refused."""
    session_request_burst: int = Field(10, ge=1, le=1000)
    """Session requests a site may make at once before the rate above applies."""
    bus_session_expiry_s: int = Field(7 * 86_400, ge=60, le=365 * 86_400)
    """How long the broker keeps policy's session while policy is down: mute commands sent
    meanwhile are delivered when it is back (older ones are lost with the session)."""
    session_settle_s: float = Field(5.0, ge=0.5, le=60)
    """How long after a session ends its transcript and intent may still arrive before the session
    is recorded without them."""
