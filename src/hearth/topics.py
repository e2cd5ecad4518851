"""The event catalogue: every MQTT topic Hearth uses, the message it carries, which service
publishes it and whether it is retained. docs/protocol.md lists the same.

One entry per kind of event serves everyone: a service publishes with ``KIND.topic(site)``, a
subscription names the kind (``Subscription.to(KIND, handler, label)``: its filter and message type
come from here), `hearth up` and `hearth run-file` show the kinds marked ``shown``, and the broker
ACL of the deployment follows the producers.

The site is part of the topic, not only the payload, so broker ACLs can confine a satellite to its
own site's topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, TypeVar

from google.protobuf.message import Message

from hearth.settings import SITE_NAME_PATTERN
from hearth.v1 import events_pb2

ROOT = "hearth/v1"
ANY_SERVICE = "*"
"""Producer of events every service publishes (its own status)."""
PEOPLE = "people"
"""Producer of requests people and their tools make (the CLI, a button, an automation)."""
ADMIN = "hearth"
"""The owner's identity (the CLI, `hearth up`): reads every event, as the owner may."""

MessageT = TypeVar("MessageT", bound=Message, covariant=True)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_SITE_NAME = re.compile(SITE_NAME_PATTERN)
_NOT_IN_A_LEVEL = re.compile(r"[/+#\x00]")
"""A level separator or a wildcard in a value would change where a message goes."""


def is_site_name(value: str) -> bool:
    """Lowercase letters, digits, '_' and '-': what configured sites are (CommonSettings)."""
    return bool(_SITE_NAME.fullmatch(value))


def _checked(placeholder: str, value: str) -> str:
    if placeholder == "site" and not is_site_name(value):
        raise ValueError(
            f"{value!r} is not a site name (lowercase letters, digits, '_', '-'); "
            "it cannot go into a topic"
        )
    if not value or _NOT_IN_A_LEVEL.search(value):
        raise ValueError(f"{placeholder} {value!r} cannot go into a topic ('/', '+', '#', empty)")
    return value


@dataclass(frozen=True)
class EventKind(Generic[MessageT]):
    """One kind of event: where it travels and what it carries."""

    name: str
    """Dotted name people see (`hearth up`, `hearth run-file --json`): "wake.detected"."""
    pattern: str
    """Topic below ROOT, with placeholders filled in order: "wake/{site}/detected"."""
    message_type: type[MessageT]
    """The protobuf message of the payload (in its JSON mapping)."""
    producer: str
    """The service that publishes it (ANY_SERVICE, or PEOPLE for requests from outside)."""
    retained: bool = False
    """State, not an event: the broker keeps the last one for new subscribers."""
    shown: bool = False
    """Shown to people watching one site (`hearth up`, `hearth run-file`)."""
    consumers: tuple[str, ...] = ()
    """The services that subscribe to it; the broker lets no other service read it (the owner
    reads everything)."""
    also_from: tuple[str, ...] = ()
    """Services that may publish it besides the producer (intent's answers are `say` requests,
    like people's)."""

    def published_by(self, service: str) -> bool:
        """Whether the broker lets this service publish it."""
        return self.producer == service or service in self.also_from

    def topic(self, *values: str) -> str:
        """The topic for these placeholder values (usually the site); a value that is not a site
        name where a site goes, or that holds a '/', '+' or '#', is refused (ValueError)."""
        parts = iter(values)
        topic = _PLACEHOLDER.sub(lambda m: _checked(m.group(1), next(parts, "")), self.pattern)
        if next(parts, None) is not None:
            raise ValueError(f"{self.name} takes {self.pattern.count('{')} topic values")
        return f"{ROOT}/{topic}"

    def filter_with(self, *values: str) -> str:
        """A topic filter (a subscription, an ACL rule): like topic(), but a value may also be
        the wildcard '+' (any one value)."""
        parts = iter(values)

        def fill(match: re.Match[str]) -> str:
            value = next(parts, "")
            return value if value == "+" else _checked(match.group(1), value)

        topic = _PLACEHOLDER.sub(fill, self.pattern)
        if next(parts, None) is not None:
            raise ValueError(f"{self.name} takes {self.pattern.count('{')} topic values")
        return f"{ROOT}/{topic}"

    @property
    def filter(self) -> str:
        """The subscription filter for every value of every placeholder (every site)."""
        return f"{ROOT}/{_PLACEHOLDER.sub('+', self.pattern)}"

    @property
    def per_site(self) -> bool:
        return "{site}" in self.pattern


SERVICE_STATUS = EventKind(
    "status", "status/{service}/{instance}", events_pb2.ServiceStatus, ANY_SERVICE, retained=True
)
WAKE_DETECTED = EventKind(
    "wake.detected", "wake/{site}/detected", events_pb2.WakeDetected, "wake", shown=True
)
SESSION_STARTED = EventKind(
    "session.started",
    "session/{site}/started",
    events_pb2.SessionStarted,
    "policy",
    shown=True,
    consumers=("intent",),
)
SESSION_REFUSED = EventKind(
    "session.refused", "session/{site}/refused", events_pb2.SessionRefused, "policy", shown=True
)
SESSION_ENDED = EventKind(
    "session.ended", "session/{site}/ended", events_pb2.SessionEnded, "policy", shown=True
)
TRANSCRIPT = EventKind(
    "stt.transcript",
    "stt/{site}/transcript",
    events_pb2.Transcript,
    "stt",
    shown=True,
    consumers=("intent", "policy"),
)
INTENT_RECOGNIZED = EventKind(
    "intent.recognized",
    "intent/{site}/recognized",
    events_pb2.IntentRecognized,
    "intent",
    shown=True,
    consumers=("policy",),
)
INTENT_NOT_RECOGNIZED = EventKind(
    "intent.not_recognized",
    "intent/{site}/not_recognized",
    events_pb2.IntentNotRecognized,
    "intent",
    shown=True,
    consumers=("policy",),
)
VOCABULARY = EventKind(
    "intent.vocabulary",
    "intent/vocabulary",
    events_pb2.Vocabulary,
    "intent",
    retained=True,
    consumers=("stt",),
)
"""The sentences the stt grammar follows."""
MUTE_STATE = EventKind(
    "policy.mute", "policy/{site}/mute", events_pb2.MuteState, "policy", retained=True, shown=True
)
MUTE_COMMAND = EventKind(
    "policy.mute_set",
    "policy/{site}/mute/set",
    events_pb2.MuteCommand,
    PEOPLE,
    consumers=("policy",),
)
"""A request to mute or unmute a site (a button, an automation); policy decides."""
AUDIT_HEAD = EventKind(
    "audit.head", "audit/head", events_pb2.AuditHeadState, "policy", retained=True
)
"""The privacy audit chain's length and head hash."""

PLUGIN_EVENT = EventKind(
    "plugin.event", "plugin/{plugin}/{site}/{name}", events_pb2.PluginEvent, "intent"
)
"""What an intent plugin announces for automations (a timer that finished at a site); only the
owner reads it."""

SAY = EventKind(
    "tts.say",
    "tts/{site}/say",
    events_pb2.SayRequest,
    PEOPLE,
    consumers=("audio",),
    also_from=("intent",),
)
"""Speak at a site: an answer, a timer's ring, an automation's announcement."""
SPEECH_STARTED = EventKind(
    "tts.started", "tts/{site}/started", events_pb2.SpeechStarted, "audio", shown=True
)
SPEECH_FINISHED = EventKind(
    "tts.finished",
    "tts/{site}/finished",
    events_pb2.SpeechFinished,
    "audio",
    shown=True,
    consumers=("intent",),
)
"""A say request is over (played, interrupted by a wake word, failed, or no output at the site);
the timer plugin takes an interrupted ring as acknowledged."""

PROBE = EventKind("probe", "probe/{name}", events_pb2.Probe, ADMIN)
"""The owner's round trips (diagnostics, benchmarks of the broker hop); no service reads them."""

CATALOGUE: tuple[EventKind[Message], ...] = (
    SERVICE_STATUS,
    WAKE_DETECTED,
    SESSION_STARTED,
    SESSION_REFUSED,
    SESSION_ENDED,
    TRANSCRIPT,
    INTENT_RECOGNIZED,
    INTENT_NOT_RECOGNIZED,
    VOCABULARY,
    MUTE_STATE,
    MUTE_COMMAND,
    AUDIT_HEAD,
    PLUGIN_EVENT,
    SAY,
    SPEECH_STARTED,
    SPEECH_FINISHED,
    PROBE,
)
SHOWN: tuple[EventKind[Message], ...] = tuple(kind for kind in CATALOGUE if kind.shown)
"""The per-site events people watch, in the order a command travels."""


@dataclass(frozen=True)
class ForeignTopic:
    """A topic outside ROOT that Hearth writes for another ecosystem, in that ecosystem's JSON
    shape (not a Hearth message): the Hermes bridge keeps Rhasspy-era automations working."""

    name: str
    filter: str
    """The exact topic, or a filter with `+` for one free level (the intent name)."""
    producer: str


HERMES_ROOT = "hermes"
HERMES_INTENT = ForeignTopic("hermes.intent", "hermes/intent/+", "intent")
"""A recognised intent, on hermes/intent/<intentName> (the `hermes` plugin)."""
HERMES_NOT_RECOGNIZED = ForeignTopic(
    "hermes.intent_not_recognized", "hermes/nlu/intentNotRecognized", "intent"
)
FOREIGN: tuple[ForeignTopic, ...] = (HERMES_INTENT, HERMES_NOT_RECOGNIZED)
"""Everything Hearth writes outside ROOT; the broker lets the producer write exactly these and the
owner read FOREIGN_ROOTS."""
FOREIGN_ROOTS: tuple[str, ...] = (HERMES_ROOT,)


def foreign_topic(topic: str, producer: str) -> ForeignTopic | None:
    """The foreign topic `producer` may write that `topic` is, or None (the guard a plugin host
    puts in front of a raw publish, so it asks nothing of the broker that the ACL refuses)."""
    for foreign in FOREIGN:
        if foreign.producer == producer and _matches(foreign.filter, topic):
            return foreign
    return None


def _matches(filter_: str, topic: str) -> bool:
    wanted, parts = filter_.split("/"), topic.split("/")
    return len(wanted) == len(parts) and all(
        want == part or (want == "+" and bool(part) and not _NOT_IN_A_LEVEL.search(part))
        for want, part in zip(wanted, parts, strict=True)
    )


def status(service: str, instance: str) -> str:
    """A service's retained status topic (with its last will)."""
    return SERVICE_STATUS.topic(service, instance)


def site_of(topic: str) -> str | None:
    """The site segment of a per-site topic (hearth/v1/<domain>/.../<site>/...), else None."""
    parts = topic.split("/")
    if len(parts) < 5 or parts[0] != "hearth" or parts[1] != "v1":
        return None
    position = _SITE_POSITIONS.get(parts[2])
    return parts[position] if position is not None and position < len(parts) - 1 else None


_SITE_POSITIONS = {
    kind.pattern.split("/")[0]: 2 + kind.pattern.split("/").index("{site}")
    for kind in CATALOGUE
    if kind.per_site
}
"""Domain → index of the site among a topic's segments (hearth/v1 are the first two)."""
