"""Stand-ins for the broker connection, so policy's parts can be tested without a broker."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from google.protobuf.message import Message

from hearth.bus import Bus
from hearth_policy.store import PolicyStore
from hearth_policy.store_writer import StoreWriter

AUDIT_KEY = b"audit key of the tests, 32 bytes!"
"""The audit chain's key in tests (policy generates its own at first start)."""


class RecordingBus:
    """Keeps what is published; `connected` is set by the test."""

    def __init__(self, connected: bool = True) -> None:
        self.connected = connected
        self.published: list[tuple[str, Message, bool]] = []

    def publish(
        self, topic: str, message: Message, *, retain: bool = False, kind: str | None = None
    ) -> None:
        self.published.append((topic, message, retain))

    def topics(self) -> list[str]:
        return [topic for topic, _, _ in self.published]


class Rejections:
    """Collects what `Service.reject` would log and count."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, kind: str, reason: str, detail: str) -> None:
        self.seen.append((kind, reason))


def as_bus(bus: RecordingBus) -> Bus:
    return cast(Bus, bus)


def writer(tmp: Path, bus: RecordingBus) -> StoreWriter:
    return StoreWriter(PolicyStore(tmp / "policy.db", audit_key=AUDIT_KEY), as_bus(bus))
