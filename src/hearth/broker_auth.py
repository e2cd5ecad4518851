"""What the broker lets each identity do: Mosquitto's password file and ACL, made from the event
catalogue.

The catalogue names every kind's producer and consumers, so the ACL follows the code: a service may
publish only what it produces and read only what it consumes; retained state (vocabulary, mute
state, audit head, status) is writable only by its owner; a satellite speaks only for its own site;
the owner (`hearth`) reads everything and writes only requests (mute commands). Outside hearth/v1,
intent writes exactly the Hermes topics of `topics.FOREIGN` and the owner reads them. Nobody else,
anonymous included, gets anything.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from hearth import topics

SERVICES = ("policy", "intent", "stt", "wake", "tts", "audio")
"""The base's services, each its own broker user."""
SATELLITE_SERVICES = ("audio", "wake")
"""What a satellite may run in its room."""
SATELLITE_PREFIX = "satellite-"

PBKDF2_ITERATIONS = 101
"""mosquitto_passwd's default for its `$7$` (PBKDF2-SHA512) format."""
SALT_BYTES = 12


def satellite_identity(site: str) -> str:
    return f"{SATELLITE_PREFIX}{site}"


def satellite_site(identity: str) -> str | None:
    """The site a satellite identity speaks for; None for any other identity."""
    if identity.startswith(SATELLITE_PREFIX):
        return identity[len(SATELLITE_PREFIX) :] or None
    return None


def mosquitto_hash(password: str, salt: bytes | None = None) -> str:
    """A password entry's hash in Mosquitto 2's `$7$` format, as `mosquitto_passwd` writes it."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, PBKDF2_ITERATIONS)
    return (
        f"$7${PBKDF2_ITERATIONS}${base64.b64encode(salt).decode()}"
        f"${base64.b64encode(digest).decode()}"
    )


def password_file(passwords: dict[str, str]) -> str:
    return "".join(
        f"{user}:{mosquitto_hash(password)}\n" for user, password in sorted(passwords.items())
    )


def acl(satellite_sites: Sequence[str]) -> str:
    """The ACL file for the base's services, the owner and the given satellites."""
    lines = [
        "# Written by `hearth init` from the event catalogue (hearth.topics); edits are "
        "overwritten.",
        "# A user has no access but what is listed under it.",
    ]
    for service in SERVICES:
        lines += ["", f"user {service}", *_service_rules(service)]
    lines += ["", f"user {topics.ADMIN}", *_admin_rules()]
    for site in satellite_sites:
        lines += ["", f"user {satellite_identity(site)}", *_satellite_rules(site)]
    return "\n".join(lines) + "\n"


def _service_rules(service: str) -> list[str]:
    rules = [f"topic write {topics.SERVICE_STATUS.filter_with(service, '+')}"]
    for kind in topics.CATALOGUE:
        if kind.published_by(service):
            rules.append(f"topic write {kind.filter}")
        if service in kind.consumers:
            rules.append(f"topic read {kind.filter}")
    rules += [f"topic write {f.filter}" for f in topics.FOREIGN if f.producer == service]
    return rules


def _admin_rules() -> list[str]:
    rules = [f"topic read {root}/#" for root in (topics.ROOT, *topics.FOREIGN_ROOTS)]
    rules += [
        f"topic write {kind.filter}"
        for kind in topics.CATALOGUE
        if kind.producer in (topics.PEOPLE, topics.ADMIN)
    ]
    return rules


def _satellite_rules(site: str) -> list[str]:
    identity = satellite_identity(site)
    rules = [
        f"topic write {topics.SERVICE_STATUS.topic(service, identity)}"
        for service in SATELLITE_SERVICES
    ]
    for kind in _per_site(topics.CATALOGUE):
        if kind.producer in (*SATELLITE_SERVICES, topics.PEOPLE):
            rules.append(f"topic write {kind.topic(site)}")
        if set(kind.consumers) & set(SATELLITE_SERVICES) or kind is topics.MUTE_STATE:
            rules.append(f"topic read {kind.topic(site)}")
    return rules


def _per_site(kinds: Iterable[topics.EventKind[Any]]) -> list[topics.EventKind[Any]]:
    return [kind for kind in kinds if kind.pattern.count("{") == 1 and kind.per_site]
