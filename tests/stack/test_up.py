"""`hearth up` itself: it says where every service is, and Ctrl-C stops everything it started."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests import timeouts
from tests.support import stack_config, start_stack

pytestmark = pytest.mark.stack


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"


def test_ctrl_c_stops_the_broker_and_every_service(tmp_path: Path) -> None:
    stack = start_stack(tmp_path, stack_config(tmp_path, stt={"engine": "pocketsphinx"}))
    try:
        summary = stack.log_text()
        for service in ("policy", "intent", "stt", "wake", "tts", "audio"):
            stack.metrics_url(service)  # the summary names every service's /metrics
        assert "watch events: mosquitto_sub" in summary
        children = _children(stack.process.pid)
        assert len(children) == 7, children  # Mosquitto and six services
    finally:
        code = stack.stop()
    assert code == 0
    deadline = time.monotonic() + timeouts.STACK_STOP_S
    while any(_alive(pid) for pid in children):
        assert time.monotonic() < deadline, (
            f"still running after Ctrl-C: {[p for p in children if _alive(p)]}"
        )
        time.sleep(0.1)
