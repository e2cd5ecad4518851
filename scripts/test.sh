#!/usr/bin/env bash
# One command: set Hearth up with what the tests need and run them (real Mosquitto, real services, real models).
#   scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
exec "${HEARTH_VENV:-.venv}/bin/python" -m pytest "$@"
