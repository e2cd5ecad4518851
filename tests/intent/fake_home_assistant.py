"""A local HTTP server that answers as Home Assistant's REST API does, for the parts the
homeassistant plugin uses (shapes from developers.home-assistant.io: "REST API", "Firing intents",
"Conversation API", and Home Assistant's IntentHandleView): a bearer token, GET /api/states,
POST /api/template (text/plain), POST /api/intent/handle {"name", "data"} and
POST /api/conversation/process {"text", "language"}. Real HTTP on a port of its own, real JSON,
real errors: 401 for a wrong token, 404 for an API that is not loaded, 500 for an intent Home
Assistant has no handler for, 400 for a body with extra keys, and a delay to time out on."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

AREA_TEMPLATE = "{{ areas() | map('area_name') | list | tojson }}"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.test-long-lived-token.signature"


def state(entity_id: str, friendly_name: str | None, value: str = "off") -> dict[str, Any]:
    """One entry of GET /api/states."""
    attributes: dict[str, Any] = {} if friendly_name is None else {"friendly_name": friendly_name}
    return {
        "entity_id": entity_id,
        "state": value,
        "attributes": attributes,
        "last_changed": "2026-11-30T01:00:00.000000+00:00",
        "last_updated": "2026-11-30T01:00:00.000000+00:00",
        "context": {"id": "01JDXYZ", "parent_id": None, "user_id": None},
    }


def intent_response(
    speech: str, response_type: str = "action_done", data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Home Assistant's IntentResponse.as_dict()."""
    return {
        "speech": {"plain": {"speech": speech, "extra_data": None}},
        "card": {},
        "language": "en",
        "response_type": response_type,
        "data": data if data is not None else {"targets": [], "success": [], "failed": []},
    }


@dataclass
class FakeHomeAssistant:
    port: int = 0
    token: str = TOKEN
    states: list[dict[str, Any]] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    intents: dict[str, str] = field(default_factory=dict)
    """Intent name → the speech its handler answers."""
    conversation: dict[str, Any] | None = None
    """What /api/conversation/process answers under "response"; None: not loaded (404)."""
    asks_back: bool = False
    """The conversation agent asks a question back (continue_conversation)."""
    admin: bool = True
    """The template API is for administrators; a plain user's token gets 401 there."""
    delay_s: float = 0.0
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    """(method, path, JSON body) of every authorised request."""

    def __post_init__(self) -> None:
        # Its own copies: a test that changes the home must not change another test's.
        self.states = [dict(entry) for entry in self.states]
        self.areas = list(self.areas)

    def answer(self, method: str, path: str, body: Any) -> tuple[int, str, bytes]:
        self.requests.append((method, path, body))
        if (method, path) == ("GET", "/api/states"):
            return _json(200, self.states)
        if (method, path) == ("POST", "/api/template"):
            if not self.admin:
                return 401, "text/plain", b"401: Unauthorized"
            if body.get("template") != AREA_TEMPLATE:
                return 400, "application/json", b'{"message": "Error rendering template"}'
            return 200, "text/plain; charset=utf-8", json.dumps(self.areas).encode()
        if (method, path) == ("POST", "/api/intent/handle"):
            return self._intent(body)
        if (method, path) == ("POST", "/api/conversation/process") and self.conversation:
            return _json(
                200,
                {
                    "response": self.conversation,
                    "conversation_id": body.get("conversation_id", "01JDCONV"),
                    "continue_conversation": self.asks_back,
                },
            )
        return 404, "text/plain", b"404: Not Found"

    def _intent(self, body: Any) -> tuple[int, str, bytes]:
        if not isinstance(body, dict) or "name" not in body or set(body) - {"name", "data"}:
            return _json(400, {"message": "Message format incorrect: extra keys not allowed"})
        speech = self.intents.get(body["name"])
        if speech is None:
            # intent.UnknownIntent is not caught by IntentHandleView: aiohttp's server error.
            return 500, "text/plain", b"500 Internal Server Error\n\nServer got itself in trouble"
        return _json(200, intent_response(speech.format(**body.get("data", {}))))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _json(status: int, value: Any) -> tuple[int, str, bytes]:
    return status, "application/json", json.dumps(value).encode()


@contextmanager
def serving(home: FakeHomeAssistant) -> Iterator[FakeHomeAssistant]:
    """Run the fake on 127.0.0.1, on a port of its own, until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def _serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if home.delay_s:
                time.sleep(home.delay_s)
            if self.headers.get("Authorization") != f"Bearer {home.token}":
                status, kind, payload = 401, "text/plain", b"401: Unauthorized"
            else:
                status, kind, payload = home.answer(
                    method, self.path, json.loads(raw) if raw else None
                )
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up (the timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", home.port), Handler)
    server.daemon_threads = True
    home.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield home
    finally:
        server.shutdown()
        server.server_close()
