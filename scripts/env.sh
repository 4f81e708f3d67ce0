# Sourced by run.sh and test.sh: development settings and a database to talk to.
# Without DATABASE_URL, a project-local PostgreSQL runs under var/pg on a unix socket only,
# so it never competes for port 5432 with a machine's own server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DEBUG=${DEBUG:-1}
export PATH="$PWD/.venv/bin:$PATH"
STARTED_LOCAL_PG=""

local_pg() {
  local bindir data run as=()
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bindir" ] || { echo "!! No PostgreSQL binaries: set DATABASE_URL or install postgresql" >&2; exit 1; }
  local home="$PWD/var/pg"
  if [ "$(id -u)" = 0 ]; then
    # PostgreSQL refuses to run as root: run it as the postgres system user. When that user
    # cannot reach the checkout (a private temporary folder, say), keep the cluster in /var/tmp.
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    mkdir -p "$home"
    if ! runuser -u postgres -- test -x "$home"; then
      home="/var/tmp/portal-pg-$(printf %s "$PWD" | sha1sum | cut -c1-12)"
    fi
    as=(runuser -u postgres --)
  fi
  data="$home/data"; run="$home/run"
  mkdir -p "$data" "$run"
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres "$home"; chmod 700 "$data"
  fi
  if [ ! -f "$data/PG_VERSION" ]; then
    echo "==> Creating the project-local PostgreSQL in var/pg"
    "${as[@]}" "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! "${as[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    "${as[@]}" "$bindir/pg_ctl" -D "$data" -l "$home/server.log" -w start -o \
      "-c listen_addresses='' -c unix_socket_directories='$run' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
    STARTED_LOCAL_PG="$bindir/pg_ctl"
  fi
  local host
  host=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$run")
  export DATABASE_URL="postgres://postgres@$host/portal"
  PG_AS=("${as[@]}"); PG_DATA="$data"
}

stop_local_pg() {
  if [ -n "$STARTED_LOCAL_PG" ]; then
    "${PG_AS[@]}" "$STARTED_LOCAL_PG" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
  fi
}

if [ -z "${DATABASE_URL:-}" ]; then
  local_pg
fi
.venv/bin/python scripts/ensure_database.py
