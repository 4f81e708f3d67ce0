#!/usr/bin/env bash
# `make run`: the portal with its Celery worker and scheduler at http://127.0.0.1:${PORT:-8000}.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh
trap stop_local_pg EXIT
export PORTAL_PORT=${PORT:-8000}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORTAL_PORT}
python manage.py migrate --noinput -v 0
python manage.py seed_demo
echo
echo "The portal: http://127.0.0.1:$PORTAL_PORT/   (health: /healthz)"
echo "E-mails (invitations, password resets) are written to var/mail/."
echo "Broker: ${CELERY_BROKER_URL:-local filesystem transport under var/celery}. Ctrl-C stops everything."
echo
honcho -f Procfile.dev start
