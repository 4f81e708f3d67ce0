#!/usr/bin/env bash
# `make test`: the same set-up as `make run`, then the whole suite, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
trap stop_local_pg EXIT
python -m pytest "$@"
