"""Home Assistant's REST API, as much of it as the plugin uses: the states (entity names), a
template (area names), the intent API and the conversation API.

urllib in a worker thread keeps the plugin free of an HTTP dependency and the event loop free of
blocking I/O. Every failure becomes one HomeAssistantError subclass that says, for the log, what
went wrong and, for the person, what to hear.
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

AREA_NAMES_TEMPLATE = "{{ areas() | map('area_name') | list | tojson }}"
"""Area names through the template API: the REST API has no areas endpoint."""


class HomeAssistantError(Exception):
    """A request to Home Assistant failed; str() is the log line, `spoken` the answer."""

    spoken = "Sorry, Home Assistant could not do that."


class Unreachable(HomeAssistantError):
    spoken = "Sorry, I can't reach Home Assistant right now."


class TimedOut(HomeAssistantError):
    spoken = "Sorry, Home Assistant took too long to answer."


class Unauthorized(HomeAssistantError):
    spoken = "Sorry, Home Assistant refused my access token."


class NotFound(HomeAssistantError):
    spoken = "Sorry, Home Assistant doesn't know how to do that."


class Rejected(HomeAssistantError):
    """Any other HTTP error status, or an answer that is not the documented JSON."""


@dataclass(frozen=True)
class Conversation:
    """What the conversation API answered."""

    response: dict[str, Any]
    conversation_id: str | None
    continues: bool


@dataclass(frozen=True)
class HomeAssistantClient:
    url: str
    """Base URL, no trailing slash."""
    token: str
    timeout_s: float
    ca_file: Path | None = None

    async def states(self) -> list[dict[str, Any]]:
        """GET /api/states: every entity's id, state and attributes."""
        body = await self._call("GET", "/api/states")
        if not isinstance(body, list):
            raise Rejected("GET /api/states: expected a JSON list")
        return [state for state in body if isinstance(state, dict)]

    async def render_template(self, template: str) -> str:
        """POST /api/template: the rendered text (Home Assistant answers text/plain)."""
        raw = await self._send("POST", "/api/template", {"template": template})
        return raw.decode("utf-8")

    async def handle_intent(self, name: str, data: Mapping[str, Any]) -> dict[str, Any]:
        """POST /api/intent/handle {"name", "data"}: Home Assistant's IntentResponse."""
        body = await self._call("POST", "/api/intent/handle", {"name": name, "data": dict(data)})
        if not isinstance(body, dict):
            raise Rejected("POST /api/intent/handle: expected a JSON object")
        return body

    async def process(
        self, text: str, language: str, conversation_id: str | None = None
    ) -> Conversation:
        """POST /api/conversation/process {"text", "language"[, "conversation_id"]}: the
        IntentResponse under "response", the conversation's id, and whether Home Assistant waits
        for an answer (a question of its conversation agent)."""
        request: dict[str, Any] = {"text": text, "language": language}
        if conversation_id:
            request["conversation_id"] = conversation_id
        body = await self._call("POST", "/api/conversation/process", request)
        response = body.get("response") if isinstance(body, dict) else None
        if not isinstance(response, dict):
            raise Rejected("POST /api/conversation/process: no response object")
        ongoing = body.get("conversation_id")
        return Conversation(
            response=response,
            conversation_id=ongoing if isinstance(ongoing, str) else None,
            continues=body.get("continue_conversation") is True,
        )

    async def _call(self, method: str, path: str, payload: Any = None) -> Any:
        raw = await self._send(method, path, payload)
        try:
            return json.loads(raw)
        except ValueError:
            raise Rejected(f"{method} {path}: the answer is not JSON") from None

    async def _send(self, method: str, path: str, payload: Any) -> bytes:
        # The thread's socket has its own timeout; wait_for is the backstop for a slow DNS lookup.
        try:
            return await asyncio.wait_for(
                asyncio.to_thread(self._blocking_send, method, path, payload),
                self.timeout_s + 1,
            )
        except TimeoutError:
            raise TimedOut(f"{method} {path}: no answer in {self.timeout_s:g} s") from None

    def _blocking_send(self, method: str, path: str, payload: Any) -> bytes:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if payload is None else json.dumps(payload).encode("utf-8"),
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        where = f"{method} {path}"
        try:
            with urllib.request.urlopen(
                request, timeout=self.timeout_s, context=self._tls()
            ) as answer:
                return bytes(answer.read())
        except urllib.error.HTTPError as exc:
            raise _status_error(where, exc.code) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise TimedOut(f"{where}: no answer in {self.timeout_s:g} s") from None
            raise Unreachable(f"{where}: cannot reach {self.url} ({exc.reason})") from None
        except TimeoutError:
            raise TimedOut(f"{where}: no answer in {self.timeout_s:g} s") from None
        except OSError as exc:
            raise Unreachable(f"{where}: cannot reach {self.url} ({exc})") from None

    def _tls(self) -> ssl.SSLContext | None:
        if not self.url.startswith("https://"):
            return None
        return ssl.create_default_context(cafile=str(self.ca_file) if self.ca_file else None)


def _status_error(where: str, status: int) -> HomeAssistantError:
    if status in (401, 403):
        return Unauthorized(
            f"{where}: HTTP {status}, the access token was refused (create a new long-lived "
            "token in your Home Assistant profile and put it in the token file)"
        )
    if status == 404:
        return NotFound(f"{where}: HTTP 404, Home Assistant does not offer this API")
    if status == 500 and where.endswith("/api/intent/handle"):
        # Home Assistant answers an intent it has no handler for with a server error.
        return NotFound(f"{where}: HTTP 500, Home Assistant has no handler for this intent")
    return Rejected(f"{where}: HTTP {status}")
