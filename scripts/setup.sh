#!/usr/bin/env bash
# Install what is missing: system packages (when root), the virtualenv, Python and npm packages.
# Safe to run again: each step is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

# --- System packages: fonts and libraries for WeasyPrint, Chromium for browser tests, ...
packages=(fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
          poppler-utils chromium gettext libpq-dev)
if [ -z "${DATABASE_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  packages+=(postgresql)
fi
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> Installing system packages: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  else
    echo "!! Missing system packages (install them with apt-get): ${missing[*]}" >&2
  fi
fi

# --- Python 3.12 virtualenv
if [ ! -x .venv/bin/python ]; then
  python=""
  for candidate in python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3.12 \
                   /root/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; then
      python="$candidate"; break
    fi
  done
  [ -n "$python" ] || { echo "!! Python 3.12 is needed (see .python-version)" >&2; exit 1; }
  echo "==> Creating .venv with $python"
  "$python" -m venv .venv
fi
stamp=var/.requirements.sha
wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "==> Installing Python packages"
  # (sed drops pip's notes about package index folders this machine does not have)
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt 2>&1 \
    | sed '/^WARNING: Location .* is ignored/d'
  echo "$wanted" > "$stamp"
fi

# --- Browser assets (Bootstrap, htmx) from npm
stamp=var/.npm.sha
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "==> Installing browser assets"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$wanted" > "$stamp"
fi

# --- Translations
if compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null && command -v msgfmt >/dev/null; then
  DEBUG=1 DATABASE_URL=${DATABASE_URL:-postgres://unused/unused} \
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
fi
