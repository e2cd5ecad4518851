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
# Test files run side by side on HEARTH_TEST_WORKERS workers (2; 0 runs them in this process, e.g.
# to debug with -s or pdb). Each file stays on one worker: its module-scoped stack is started once.
exec "$VENV/bin/python" -m pytest -n "${HEARTH_TEST_WORKERS:-2}" --dist loadfile "$@"
