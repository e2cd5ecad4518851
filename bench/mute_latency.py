"""How fast mute closes the microphone, and how fast capture stops when policy goes away, on a real stack.

Run: `python bench/mute_latency.py [--rounds N]`

It starts `hearth up` with a microphone command that streams synthesized speech in real time (the one the
tests use), then, N times: mutes the site and measures from the moment the mute took effect (the retained
MuteState's changed_at, stamped by policy) to the microphone process being gone; unmutes and measures
until a new microphone process runs. Then it stalls policy (SIGSTOP) and kills it (SIGKILL) once each and
measures until the microphone is gone: the lease (3 s) bounds the first, the broken stream the second.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests import timeouts  # noqa: E402
from tests.stack.test_microphone import MIC, _mic_processes, _rfc3339, _Vanishing, _wait_for_mic  # noqa: E402
from tests.support import EventWatcher, Stack, speak, stack_config, start_stack  # noqa: E402


def _mic_pid(stack: Stack) -> int:
    assert _wait_for_mic(stack, present=True, timeout=timeouts.EVENT_S * 3), (
        "the microphone command is not running"
    )
    return _mic_processes(stack)[0]


def _mute_round(stack: Stack, watcher: EventWatcher) -> tuple[float, float]:
    vanishing = _Vanishing(_mic_pid(stack))
    mark = watcher.mark()
    assert stack.hearth("mute", "kitchen").returncode == 0
    state = watcher.wait_for(
        "/policy/kitchen/mute", after=mark, where=lambda e: e.get("muted") is True
    )
    closed = vanishing.wait() - _rfc3339(state["changed_at"])
    mark = watcher.mark()
    assert stack.hearth("unmute", "kitchen").returncode == 0
    state = watcher.wait_for(
        "/policy/kitchen/mute", after=mark, where=lambda e: e.get("muted") is False
    )
    assert _wait_for_mic(stack, present=True, timeout=timeouts.EVENT_S)
    reopened = time.time() - _rfc3339(state["changed_at"])
    return closed, reopened


def _fault(stack: Stack, sig: signal.Signals) -> float:
    policy = stack.service_pid("policy")
    vanishing = _Vanishing(_mic_pid(stack))
    mark = stack.mark()
    started = time.time()
    os.kill(policy, sig)
    try:
        return vanishing.wait() - started
    finally:
        if sig == signal.SIGSTOP:
            os.kill(policy, signal.SIGCONT)
        else:
            stack.wait_for_log(
                r"hearth: policy is back", after=mark, timeout=timeouts.STACK_START_S
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        spoken = speak("hey hestia, what time is it", tmp / "spoken.wav")
        command = tmp / "command.wav"
        subprocess.run(
            ["sox", "-R", str(spoken), "-r", "16000", "-c", "1", "-b", "16", str(command)],
            check=True,
        )
        config = stack_config(
            tmp,
            stt={"engine": "pocketsphinx"},
            audio={
                "site": "kitchen",
                "source": "mic",
                "mic_command": [sys.executable, str(MIC), str(command), "3"],
            },
        )
        stack = start_stack(tmp, config, mic=True)
        watcher = EventWatcher(stack)
        try:
            rounds = [_mute_round(stack, watcher) for _ in range(args.rounds)]
            stalled = _fault(stack, signal.SIGSTOP)
            killed = _fault(stack, signal.SIGKILL)
        finally:
            watcher.close()
            stack.stop()
    closed = [c * 1000 for c, _ in rounds]
    reopened = [r * 1000 for _, r in rounds]
    print(
        f"mute took effect → microphone process gone ({len(closed)} rounds): median {statistics.median(closed):.0f} ms, max {max(closed):.0f} ms"
    )
    print(
        f"unmute took effect → microphone running again: median {statistics.median(reopened):.0f} ms, max {max(reopened):.0f} ms"
    )
    print(f"policy stalled (SIGSTOP) → microphone gone: {stalled:.2f} s (lease 3 s)")
    print(f"policy killed (SIGKILL) → microphone gone: {killed * 1000:.0f} ms")


if __name__ == "__main__":
    main()
