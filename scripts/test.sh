#!/usr/bin/env bash
# `make test`: the same set-up as `make run`, then the whole suite, browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
trap stop_local_pg EXIT
# One pytest process per core (each with its own test database). The tests that commit (and
# flush the tables afterwards) run in a second pass, after the rest, each file on one process;
# the others are shared out test by test.
run() { python -m pytest -n "${PYTEST_WORKERS:-auto}" --durations=10 "$@"; }  # the 10 slowest named
status=0
run --dist load -m "not transactional" "$@" || status=$?
# (exit code 5: the selection left nothing to run in this pass)
run --dist loadfile -m transactional "$@" || { code=$?; [ "$code" = 5 ] || status=$code; }
[ "$status" = 5 ] && status=0
exit "$status"
