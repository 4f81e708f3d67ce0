#!/usr/bin/env bash
# `make manage ARGS="totp_code admin@example.org"`: a manage.py command on the same database.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
trap stop_local_pg EXIT
python manage.py "$@"
