#!/bin/bash
# Backs up umami: database dumps, volume archives and its .env into /var/backups/selfhost/umami/<UTC timestamp>/,
# keeping the newest 7. Written by `selfhost render`; run by selfhost-umami-backup.timer.
set -euo pipefail
cd "$(dirname "$0")"

DOCKER="/usr/bin/true"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/selfhost/umami}"
KEEP="${KEEP:-7}"
case "$KEEP" in
  '' | *[!0-9]* | 0) echo "backup.sh: KEEP must be a whole number of backups to keep, at least 1 (got '$KEEP')" >&2; exit 2 ;;
esac
# The Compose project as docker compose picks it: the environment first, then .env.
PROJECT="${COMPOSE_PROJECT_NAME:-$(sed -n 's/^COMPOSE_PROJECT_NAME=//p' .env | tail -n 1)}"
PROJECT="${PROJECT:-selfhost-umami}"

# Everything written below is for root only (dumps, archives, the .env with its secrets).
umask 077
mkdir -p "$BACKUP_DIR"
# One backup of this app at a time: a second run waits here for the first to finish.
exec 9>>"$BACKUP_DIR/.lock"
flock 9
# This run holds the lock, so a partial directory left now is from a run that was killed.
rm -rf "$BACKUP_DIR"/.partial-*
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
while [ -e "$BACKUP_DIR/$STAMP" ]; do
  sleep 1
  STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
done
DEST="$BACKUP_DIR/$STAMP"
PARTIAL="$(mktemp -d "$BACKUP_DIR/.partial-$STAMP.XXXXXX")"
trap 'rm -rf "$PARTIAL"' EXIT

# db: database umami
"$DOCKER" compose exec -T db sh -c 'exec pg_dump -U "${POSTGRES_USER:-postgres}" --format=custom "$1"' sh umami > "$PARTIAL/db-umami.pgdump"

cp compose.yaml "$PARTIAL/compose.yaml"
# The app's settings and secrets (encryption keys the data can't be read without): mode 0600.
install -m 0600 .env "$PARTIAL/.env"

# The backup's manifest, for `selfhost backup verify`: each file's size and SHA-256, and for each
# PostgreSQL dump its tables with their row counts, read back from the dump itself (pg_restore
# lists the data it holds), so a restore can be compared with what the backup was made from.
{
  printf '{\n  "version": 1,\n  "app": "umami",\n  "created_at": "%s",\n  "files": [' "$STAMP"
  sep=''
  for f in "$PARTIAL"/* "$PARTIAL"/.env; do
    [ "$(basename "$f")" = manifest.json ] && continue
    printf '%s\n    {"name": "%s", "bytes": %s, "sha256": "%s"}' "$sep" "$(basename "$f")" "$(stat -c %s "$f")" "$(sha256sum "$f" | cut -d ' ' -f 1)"
    sep=','
  done
  printf '\n  ],\n  "databases": ['
  sep=''
  printf '%s\n    {"service": "db", "database": "umami", "kind": "postgres", "file": "db-umami.pgdump", "tables": {' "$sep"
  "$DOCKER" compose exec -T db pg_restore -f - < "$PARTIAL/db-umami.pgdump" |
    awk 'BEGIN { first = 1 } /^COPY / { t = $2; gsub(/"/, "", t); n = 0; inside = 1; next }
         inside && /^\\\.$/ { printf "%s\n      \"%s\": %d", (first ? "" : ","), t, n; first = 0; inside = 0; next }
         inside { n++ }'
  printf '\n    }}'
  sep=','
  printf '\n  ]\n}\n'
} > "$PARTIAL/manifest.json"
chmod 0700 "$PARTIAL"
mv "$PARTIAL" "$DEST"
trap - EXIT

# Retention: keep the newest $KEEP backups (directories named by their UTC timestamp).
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*T[0-9]*Z' | sort -r | tail -n +"$((KEEP + 1))" |
  while read -r old; do rm -rf -- "$old"; done
echo "backup of umami written to $DEST"
