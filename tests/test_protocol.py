"""The generated protocol code matches proto/, and MQTT payloads are the messages' JSON mapping."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from hearth import events, topics
from hearth.v1 import events_pb2

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    importlib.util.find_spec("grpc_tools") is None,
    reason="needs grpcio-tools (pip install -e '.[dev]')",
)
def test_generated_code_is_not_stale(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "proto"))
    try:
        from generate import generate
    finally:
        sys.path.pop(0)
    generate(tmp_path)
    committed = REPO / "src" / "hearth" / "v1"
    fresh = tmp_path / "hearth" / "v1"
    names = sorted(p.name for p in fresh.iterdir() if p.suffix in (".py", ".pyi"))
    assert names == sorted(p.name for p in committed.iterdir() if p.suffix in (".py", ".pyi"))
    stale = [
        name for name in names if (fresh / name).read_bytes() != (committed / name).read_bytes()
    ]
    assert not stale, f"regenerate with `python proto/generate.py`: {stale}"


def test_event_round_trips_through_json() -> None:
    event = events_pb2.IntentRecognized(
        header=events.header("intent", site="kitchen", session_id="s1"),
        intent="HassTurnOn",
        slots={"area": "kitchen"},
    )
    payload = events.encode(event)
    assert b'"intent": "HassTurnOn"' in payload and b'"site": "kitchen"' in payload
    assert events.decode(payload, events_pb2.IntentRecognized) == event


@pytest.mark.parametrize("payload", [b"not json", b"\xff\xfe", b'{"muted": "perhaps"}', b"[1, 2]"])
def test_malformed_payloads_raise_without_quoting_them(payload: bytes) -> None:
    with pytest.raises(events.MalformedPayload) as error:
        events.decode(payload, events_pb2.MuteCommand)
    assert "perhaps" not in str(error.value)


def test_topics_carry_the_site() -> None:
    assert topics.site_of(topics.TRANSCRIPT.topic("kitchen")) == "kitchen"
    assert topics.site_of(topics.MUTE_COMMAND.topic("office")) == "office"
    assert topics.site_of(topics.VOCABULARY.topic()) is None
    assert topics.site_of(topics.status("wake", "host")) is None
