#!/usr/bin/env bash
# One command: set Hearth up with what the tests need, check formatting, lint and types, then run
# the tests (real Mosquitto, real services, real models).
#   scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
VENV="${HEARTH_VENV:-.venv}"
echo "test: ruff format --check, ruff check, mypy"
"$VENV/bin/ruff" format --check --quiet .
"$VENV/bin/ruff" check --quiet .
"$VENV/bin/mypy"
exec "$VENV/bin/python" -m pytest "$@"
