"""A microphone command for tests: streams silence in real time, the way `arecord -t raw` streams a
quiet room, and says a 16 kHz mono WAV once each time a cue file appears (then removes the cue),
as a person speaks after pressing a talk button.

Usage: python cued_mic.py SPEECH.wav CUE_PATH
"""

from __future__ import annotations

import os
import signal
import sys
import time
import wave

CHUNK_S = 0.02


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with wave.open(sys.argv[1], "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2), (
            "needs 16 kHz mono 16-bit"
        )
        speech = wav.readframes(wav.getnframes())
    cue = sys.argv[2]
    chunk = int(16000 * CHUNK_S) * 2
    silence = bytes(chunk)
    pending = b""
    started = time.monotonic()
    sent = 0
    out = sys.stdout.buffer
    while True:
        if not pending and os.path.exists(cue):
            os.remove(cue)
            pending = speech
        out.write(pending[:chunk].ljust(chunk, b"\0") if pending else silence)
        pending = pending[chunk:]
        out.flush()
        sent += chunk
        delay = started + sent / 32000 - time.monotonic()
        if delay > 0:
            time.sleep(delay)


if __name__ == "__main__":
    main()
