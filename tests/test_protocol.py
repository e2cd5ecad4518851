"""The generated protocol code matches proto/, and MQTT payloads are the messages' JSON mapping."""

from __future__ import annotations

import importlib.util
import re
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
    assert topics.site_of(topics.PLUGIN_EVENT.topic("timer", "kitchen", "finished")) == "kitchen"


def test_the_protocol_doc_lists_the_catalogue() -> None:
    """docs/protocol.md's topic table says what the catalogue says, row for row."""
    text = (REPO / "docs" / "protocol.md").read_text()
    rows = {
        cells[0].strip("` "): cells
        for line in text.splitlines()
        if line.startswith("| `hearth/v1/")
        for cells in [[cell.strip() for cell in line.strip("|").split("|")]]
    }
    documented = set(rows)
    for kind in topics.CATALOGUE:
        topic = "hearth/v1/" + re.sub(r"\{([a-z_]+)\}", r"<\1>", kind.pattern)
        assert topic in rows, f"{kind.name}: {topic} is not in docs/protocol.md"
        cells = rows[topic]
        assert cells[1] == f"`{kind.message_type.DESCRIPTOR.name}`", cells
        assert cells[2].startswith("yes" if kind.retained else "no"), cells
        documented.discard(topic)
    assert not documented, f"documented but not in the catalogue: {documented}"


def test_a_kind_fills_its_placeholders_in_order() -> None:
    assert topics.status("wake", "host") == "hearth/v1/status/wake/host"
    assert topics.SERVICE_STATUS.filter == "hearth/v1/status/+/+"
    with pytest.raises(ValueError):
        topics.TRANSCRIPT.topic("kitchen", "extra")
