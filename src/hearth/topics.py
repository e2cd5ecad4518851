"""MQTT topics: every topic Hearth uses, built in one place and versioned (docs/protocol.md lists them).

The site is part of the topic, not only the payload, so broker ACLs can later confine a
satellite to its own site's topics.
"""

from __future__ import annotations

ROOT = "hearth/v1"


def status(service: str, instance: str) -> str:
    """Retained service status with a last will (ServiceStatus)."""
    return f"{ROOT}/status/{service}/{instance}"


def wake_detected(site: str) -> str:
    """WakeDetected."""
    return f"{ROOT}/wake/{site}/detected"


def session_started(site: str) -> str:
    """SessionStarted."""
    return f"{ROOT}/session/{site}/started"


def session_refused(site: str) -> str:
    """SessionRefused."""
    return f"{ROOT}/session/{site}/refused"


def session_ended(site: str) -> str:
    """SessionEnded."""
    return f"{ROOT}/session/{site}/ended"


def transcript(site: str) -> str:
    """Transcript (final)."""
    return f"{ROOT}/stt/{site}/transcript"


def intent_recognized(site: str) -> str:
    """IntentRecognized."""
    return f"{ROOT}/intent/{site}/recognized"


def intent_not_recognized(site: str) -> str:
    """IntentNotRecognized."""
    return f"{ROOT}/intent/{site}/not_recognized"


VOCABULARY = f"{ROOT}/intent/vocabulary"
"""Retained Vocabulary that the stt grammar follows."""


def mute_state(site: str) -> str:
    """Retained MuteState."""
    return f"{ROOT}/policy/{site}/mute"


def mute_set(site: str) -> str:
    """MuteCommand: a request to mute or unmute a site."""
    return f"{ROOT}/policy/{site}/mute/set"


AUDIT_HEAD = f"{ROOT}/audit/head"
"""Retained AuditHeadState: the privacy audit chain's length and head hash."""


def error(service: str) -> str:
    """ServiceError."""
    return f"{ROOT}/error/{service}"


# Subscription filters.
ALL_TRANSCRIPTS = f"{ROOT}/stt/+/transcript"
ALL_MUTE_SET = f"{ROOT}/policy/+/mute/set"
ALL_INTENTS_RECOGNIZED = f"{ROOT}/intent/+/recognized"
ALL_INTENTS_NOT_RECOGNIZED = f"{ROOT}/intent/+/not_recognized"


def site_of(topic: str) -> str | None:
    """The site segment of a per-site topic (hearth/v1/<domain>/<site>/...), else None."""
    parts = topic.split("/")
    if len(parts) >= 5 and parts[0] == "hearth" and parts[1] == "v1" and parts[2] in _SITE_DOMAINS:
        return parts[3]
    return None


_SITE_DOMAINS = frozenset({"wake", "session", "stt", "intent", "policy"})
