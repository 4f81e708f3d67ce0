#!/usr/bin/env bash
# Install what is missing: system packages (when root), the virtualenv, Python and npm packages.
# Safe to run again: each step is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

# --- System packages: fonts and libraries for WeasyPrint, Chromium for browser tests, ...
packages=(fonts-noto-core fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
          poppler-utils chromium gettext libpq-dev redis-server
          libreoffice-writer-nogui)  # a real office suite for the Word round trip (tests)
if [ -z "${DATABASE_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  packages+=(postgresql)
fi
command -v npm >/dev/null || packages+=(nodejs npm)
# One dpkg query for all of them: nothing else is done unless a package is missing.
missing=$({ dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${packages[@]}" 2>/dev/null || true; } \
          | awk '$2 == "ii" {print $1}' | sort | comm -13 - <(printf '%s\n' "${packages[@]}" | sort))
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> Installing system packages:" $missing
    apt-get update -q
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
  else
    echo "!! Missing system packages (install them with apt-get):" $missing >&2
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
# Exactly the packages of requirements.lock, hashes checked, installed by uv (its own pin is
# in the lock too; pip only installs that one, the first time). uv never downloads a Python.
stamp=var/.requirements.sha
wanted=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  uv_pin=$(awk '/^uv==/{p=1} p{print} p&&!/\\$/{exit}' requirements.lock)
  if [ "$(.venv/bin/uv --version 2>/dev/null | cut -d' ' -f2)" != "$(sed -n 's/^uv==\([^ ]*\).*/\1/p' <<<"$uv_pin")" ]; then
    echo "==> Installing uv"
    .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes \
      -r /dev/stdin <<<"$uv_pin" 2>&1 | sed '/^WARNING: Location .* is ignored/d'
  fi
  echo "==> Installing Python packages (requirements.lock)"
  UV_PYTHON_DOWNLOADS=never .venv/bin/uv pip sync -q --python .venv/bin/python --require-hashes \
    requirements.lock
  echo "$wanted" > "$stamp"
fi

# --- Browser assets (Bootstrap, htmx, and sass and rtlcss to build the stylesheet) from npm.
# No package needs an install script: none is run.
stamp=var/.npm.sha
wanted=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "==> Installing browser assets"
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
  echo "$wanted" > "$stamp"
fi

# --- The portal's stylesheet (scripts/stylesheet.sh), built again when its inputs change.
stamp=var/.css.sha
wanted=$(cat package-lock.json static/scss/*.scss scripts/stylesheet.sh | sha256sum | cut -d' ' -f1)
if [ ! -s static/build/portal.bootstrap.css ] || [ ! -s static/build/portal.bootstrap.rtl.css ] \
   || [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "==> Building the stylesheet (static/scss/)"
  bash scripts/stylesheet.sh
  echo "$wanted" > "$stamp"
fi

# --- Translations
if compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null && command -v msgfmt >/dev/null; then
  DEBUG=1 DATABASE_URL=${DATABASE_URL:-postgres://unused/unused} \
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
fi
