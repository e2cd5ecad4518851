"""A microphone command for tests: writes a 16 kHz mono WAV's samples to stdout in real time, after
a few seconds of silence, over and over, the way `arecord -t raw` streams a room, until stopped.

Usage: python looping_mic.py SPEECH.wav [SILENCE_S]
"""

from __future__ import annotations

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
    silence = bytes(int(float(sys.argv[2]) if len(sys.argv) > 2 else 4.0) * 32000)
    cycle = silence + speech
    chunk = int(16000 * CHUNK_S) * 2
    started = time.monotonic()
    sent = 0
    out = sys.stdout.buffer
    while True:
        for offset in range(0, len(cycle), chunk):
            out.write(cycle[offset : offset + chunk])
            out.flush()
            sent += chunk
            delay = started + sent / 32000 - time.monotonic()
            if delay > 0:
                time.sleep(delay)


if __name__ == "__main__":
    main()
