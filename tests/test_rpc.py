"""gRPC servers: a second server on a port already taken refuses to start (it must not share the
port and receive half of the calls meant for the first)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hearth import identity, rpc
from tests.support import free_port


def test_a_second_server_on_the_same_port_fails_to_start_with_a_clear_message(
    tmp_path: Path,
) -> None:
    identity.ensure_secrets(tmp_path)
    wake = identity.Identity.of(identity.SecretsLayout(tmp_path), "wake")

    async def scenario() -> str:
        listen = f"127.0.0.1:{free_port()}"
        first = await rpc.start_server(listen, (), ("hearth.v1.Test",), 65_536, wake)
        try:
            with pytest.raises(OSError) as refused:
                second = await rpc.start_server(listen, (), ("hearth.v1.Test",), 65_536, wake)
                await second.stop(0)
            return str(refused.value)
        finally:
            await first.stop(0)

    message = asyncio.run(scenario())
    assert "in use" in message and "cannot listen for gRPC" in message
