#!/usr/bin/env bash
# Gather the interface strings into locale/<language>/LC_MESSAGES/django.po for the five
# languages besides English (new strings arrive untranslated; tests/test_translations.py
# fails until each has its translation). PYTHON names another interpreter than .venv's.
set -euo pipefail
cd "$(dirname "$0")/.."
DEBUG=1 DATABASE_URL=${DATABASE_URL:-postgres://unused/unused} "${PYTHON:-.venv/bin/python}" \
  manage.py makemessages -l ar -l es -l fr -l ru -l zh_Hans --add-location=file -v 0 \
  --ignore=.venv --ignore=node_modules --ignore=var --ignore=bench --ignore=tests \
  --ignore=staticfiles --ignore=test-artifacts
