#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an EMPTY file store,
# then check it: every file against its checksum, every table's row count, the triggers, and
# every PDF and attachment against the checksum the database recorded for it.
#   bash scripts/restore.sh BACKUP_DIR            restore into DATABASE_URL + PRIVATE_STORAGE_ROOT
#   bash scripts/restore.sh --check BACKUP_DIR    only check the backup itself; touches nothing
#   bash scripts/restore.sh --force BACKUP_DIR    replace a non-empty database (dropped and
#       created again) and file store (moved aside to <store>.replaced-<time>, not deleted)
# Without DATABASE_URL the project-local server is used (scripts/env.sh), as by `make run`.
# Exit status: 0 restored and verified, 1 an error or a failed check, 2 refused (not empty).
set -euo pipefail
cd "$(dirname "$0")/.."

force="" check_only="" backup=""
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --check) check_only=1 ;;
    -*) echo "!! Unknown option $arg" >&2; exit 1 ;;
    *) backup=$arg ;;
  esac
done
[ -n "$backup" ] || { echo "Usage: bash scripts/restore.sh [--check|--force] BACKUP_DIR" >&2; exit 1; }
[ -f "$backup/SHA256SUMS" ] || { echo "!! $backup is not a backup (no SHA256SUMS)" >&2; exit 1; }
backup=$(cd "$backup" && pwd)
started=$(date +%s.%N)

echo "==> Checking the backup $backup"
(cd "$backup" && sha256sum --check --quiet --strict SHA256SUMS) \
  || { echo "!! The backup is damaged: a checksum in SHA256SUMS does not match" >&2; exit 1; }
pg_restore --list "$backup/database.dump" > /dev/null
sed 's/^/   /' "$backup/MANIFEST"
if [ -n "$check_only" ]; then
  echo "==> The backup is complete and undamaged"
  exit 0
fi

source scripts/env.sh  # DATABASE_URL (created empty when missing), or the project-local server
trap stop_local_pg EXIT
storage=${PRIVATE_STORAGE_ROOT:-${VAR_DIR:-var}/private}
db_url=${DATABASE_URL/#pgsql:/postgresql:}
sql() { psql --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 "$@"; }

objects=$(sql --dbname="$db_url" --command="
  SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_')
       + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_')")
files_there=$(ls -A "$storage" 2>/dev/null | head -1 || true)
if [ -z "$force" ] && { [ "$objects" != 0 ] || [ -n "$files_there" ]; }; then
  [ "$objects" = 0 ] || echo "!! The database is not empty (it has $objects tables, indexes, sequences and functions)." >&2
  [ -z "$files_there" ] || echo "!! The file store $storage is not empty." >&2
  echo "!! Nothing was changed. Restore into an empty database and file store, or add --force." >&2
  exit 2
fi
if [ -n "$force" ] && [ "$objects" != 0 ]; then
  echo "==> --force: dropping the database and creating it empty"
  read -r maintenance_url db_name < <(python3 -c '
import sys, urllib.parse
parts = urllib.parse.urlsplit(sys.argv[1])
print(urllib.parse.urlunsplit(parts._replace(path="/postgres")), urllib.parse.unquote(parts.path[1:]))
' "$db_url")
  sql --dbname="$maintenance_url" --set=db="$db_name" <<'SQL'
DROP DATABASE :"db" WITH (FORCE);
CREATE DATABASE :"db";
SQL
fi
if [ -n "$force" ] && [ -n "$files_there" ]; then
  aside="$storage.replaced-$(date -u +%Y%m%dT%H%M%SZ)"
  echo "==> --force: moving the file store aside to $aside"
  mv "$storage" "$aside"
fi

echo "==> Restoring the database (one transaction)"
# Triggers (audit trail, protected rows) are created after the data is loaded, so loading
# fires none of them; --no-owner/--no-privileges let another role own the restored tables.
pg_restore --single-transaction --exit-on-error --no-owner --no-privileges \
  --dbname="$db_url" "$backup/database.dump"

echo "==> Restoring the file store $storage"
mkdir -p "$storage"
tar --extract --file="$backup/files.tar" --directory="$storage" --no-same-owner

echo "==> Verifying"
failed=0
(cd "$storage" && sha256sum --check --quiet --strict "$backup/files.sha256") \
  || { echo "!! A restored file does not match its checksum" >&2; failed=1; }

# Row counts of every table, in one query, against the counts read from the dump.
query=$(awk -F'\t' '{ label = $1; gsub("\047", "\047\047", label)
  printf "%sSELECT \047%s\047, count(*) FROM %s", (NR > 1 ? " UNION ALL " : ""), label, $1 }' \
  "$backup/rows.tsv")
if [ -n "$query" ]; then
  if ! diff <(sed 's/\t/|/' "$backup/rows.tsv" | sort) <(sql --dbname="$db_url" --command="$query" | sort); then
    echo "!! Row counts differ from the backup's (< backup, > restored)" >&2; failed=1
  fi
fi

wanted_triggers=$(pg_restore --list "$backup/database.dump" | grep -cE '^[0-9]+; [0-9]+ [0-9]+ TRIGGER ' || true)
triggers=$(sql --dbname="$db_url" --command="SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
[ "$triggers" = "$wanted_triggers" ] \
  || { echo "!! $triggers triggers restored, the backup has $wanted_triggers" >&2; failed=1; }

# Every PDF and attachment the database knows must be there, with the checksum it recorded.
recorded=$(sql --dbname="$db_url" --command="
  SELECT sha256 || '  ' || file FROM reviews_reportfile
  UNION ALL SELECT sha256 || '  ' || file FROM reviews_attachment")
if [ -n "$recorded" ]; then
  (cd "$storage" && sha256sum --check --quiet --strict <<< "$recorded") \
    || { echo "!! A PDF or attachment differs from the checksum the database recorded" >&2; failed=1; }
fi
[ "$failed" = 0 ] || exit 1

seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" \
  "$started" "$(date +%s.%N)")
echo "==> Restored and verified in ${seconds}s: $(wc -l < "$backup/files.sha256") files," \
  "$(wc -l < "$backup/rows.tsv") tables, $triggers triggers," \
  "$(grep -c . <<< "$recorded" || true) PDFs and attachments matching their recorded checksums."
echo "    Next: python manage.py migrate (when the code is newer than the backup), then start the portal."
