#!/usr/bin/env bash
# One command: set Hearth up and run the whole assistant locally.
#   scripts/run.sh            with the microphone (arecord)
#   scripts/run.sh --demo     no microphone: synthesized commands are played through it
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec "${HEARTH_VENV:-.venv}/bin/hearth" up "$@"
