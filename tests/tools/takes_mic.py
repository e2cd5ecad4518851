"""A microphone command for enrollment tests: each run "hears" the next take of a person saying
the phrase.

Run N writes DIR/take<N>.raw (16 kHz mono S16_LE, the takes the test prepared) to stdout, then room
hiss until it is stopped, the way `arecord -t raw` would record someone speaking once. The run count
is kept in DIR/next, so a re-recorded take hears the next one.

Usage: python takes_mic.py DIR
"""

from __future__ import annotations

import random
import signal
import struct
import sys
import time
from pathlib import Path


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    directory = Path(sys.argv[1])
    counter = directory / "next"
    number = int(counter.read_text()) if counter.exists() else 1
    counter.write_text(str(number + 1))
    take = directory / f"take{number}.raw"
    out = sys.stdout.buffer
    hiss = random.Random(number)
    if take.exists():
        out.write(take.read_bytes())
    while True:  # room hiss until stopped
        out.write(struct.pack("<1600h", *(hiss.randint(-20, 20) for _ in range(1600))))
        out.flush()
        time.sleep(0.1)


if __name__ == "__main__":
    main()
