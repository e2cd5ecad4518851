"""``python -m hearth_wake.training "hey hestia" model.npz``: train a wake model from the command line."""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core per process; must happen before numpy loads

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    from hearth_wake.training import PROFILES, train_model

    parser = argparse.ArgumentParser(prog="python -m hearth_wake.training", description=__doc__)
    parser.add_argument("phrase")
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", default="default", choices=sorted(PROFILES))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    report = train_model(
        args.phrase,
        args.output,
        seed=args.seed,
        profile=args.profile,
        progress=not args.quiet,
        workers=args.workers,
    )
    print(json.dumps(asdict(report), default=str, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
