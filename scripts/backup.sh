#!/usr/bin/env bash
# Back up the portal: the database (pg_dump, one snapshot) and the private file store (tar),
# with a manifest, into one new directory: var/backups/portal-backup-<UTC time>/ by default.
#   bash scripts/backup.sh [PARENT_DIR]      (or BACKUP_DIR=... bash scripts/backup.sh)
# The database is DATABASE_URL's, or the project-local server when it is unset (scripts/env.sh);
# the file store is PRIVATE_STORAGE_ROOT (default var/private), as in config/settings.py.
# The last line printed is the backup's directory. See docs/backup-restore.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
trap stop_local_pg EXIT
umask 077  # the backup holds every account and review: readable by its owner only

storage=${PRIVATE_STORAGE_ROOT:-${VAR_DIR:-var}/private}
parent=${1:-${BACKUP_DIR:-var/backups}}
name="portal-backup-$(date -u +%Y%m%dT%H%M%SZ)"
out="$parent/$name"
[ ! -e "$out" ] || { echo "!! $out exists already" >&2; exit 1; }
mkdir -p "$parent" "$storage"
# Written under a temporary name and renamed at the end: a directory named portal-backup-* is
# always a complete backup.
work="$parent/.$name.partial"
rm -rf "$work"; mkdir "$work"
started=$(date +%s.%N)

# libpq reads the same URL; dj-database-url's alias pgsql:// it does not know.
db_url=${DATABASE_URL/#pgsql:/postgresql:}

echo "==> Dumping the database (one consistent snapshot)"
pg_dump --format=custom --compress=6 --file="$work/database.dump" --dbname="$db_url"

# Rows per table, read back from the dump itself so they describe exactly that snapshot
# (COPY's text format writes one line per row).
pg_restore --data-only --file=- "$work/database.dump" | awk '
  /^COPY / { table = $2; rows = 0; copying = 1; next }
  copying && $0 == "\\." { print table "\t" rows; copying = 0; next }
  copying { rows++ }' | sort > "$work/rows.tsv"

# After the dump: every file a dumped row names was written before its row was committed, so
# it is in the archive (a file written meanwhile is archived too and simply unused).
echo "==> Archiving the file store $storage"
# GNU tar answers 1 when a file changed while it was read (a PDF being written): that file's
# row is not in the dump, so the archive is still usable.
tar --create --file="$work/files.tar" --directory="$storage" . || [ $? -eq 1 ]
# The checksums are taken from the archive, not the live folder, so they describe what it holds.
python3 - "$work/files.tar" > "$work/files.sha256" <<'PY'
import hashlib, sys, tarfile
with tarfile.open(sys.argv[1]) as archive:
    for member in archive:
        if member.isfile():
            digest = hashlib.sha256()
            with archive.extractfile(member) as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
            print(f"{digest.hexdigest()}  {member.name}")
PY

files=$(wc -l < "$work/files.sha256")
db_name=$(psql --no-psqlrc --tuples-only --no-align --dbname="$db_url" \
  --command="SELECT current_database() || ' on PostgreSQL ' || current_setting('server_version')")
{
  echo "backup: $name"
  echo "created: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "database: $db_name"
  echo "file store: $(cd "$storage" && pwd)"
  echo "files: $files ($(tar --list --verbose --file="$work/files.tar" \
    | awk '$1 ~ /^-/ { n += $3 } END { print n + 0 }') bytes)"
  echo "tables: $(wc -l < "$work/rows.tsv"), rows: $(awk '{ n += $2 } END { print n + 0 }' "$work/rows.tsv")"
  echo "triggers: $(pg_restore --list "$work/database.dump" | grep -cE '^[0-9]+; [0-9]+ [0-9]+ TRIGGER ' || true)"
  echo "pg_dump: $(pg_dump --version)"
  echo "code: $(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "key tables:"
  grep -E "\.(reviews_review|reviews_reportfile|reviews_attachment|reviews_snapshot|reviews_transition|reviews_download|reviews_reviewevent|accounts_user|countries_country|indicators_reviewcycle)"$'\t' \
    "$work/rows.tsv" | sed 's/^/  /' || true
} > "$work/MANIFEST"
(cd "$work" && sha256sum database.dump files.tar files.sha256 rows.tsv MANIFEST > SHA256SUMS)
mv "$work" "$out"

seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" \
  "$started" "$(date +%s.%N)")
echo "==> Backed up $files files and $(wc -l < "$out/rows.tsv") tables in ${seconds}s:" \
  "database.dump $(stat -c %s "$out/database.dump") bytes, files.tar $(stat -c %s "$out/files.tar") bytes"
echo "$out"
