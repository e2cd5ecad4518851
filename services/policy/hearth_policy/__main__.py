"""Entry point: `hearth-policy` or `python -m hearth_policy`."""

from __future__ import annotations

import sys

from hearth.service import service_main
from hearth_policy.service import PolicyService
from hearth_policy.settings import PolicySettings


def run() -> None:
    sys.exit(service_main("policy", PolicySettings, PolicyService))


if __name__ == "__main__":
    run()
