#!/bin/bash
# Backs up gitea: database dumps, volume archives and its .env into /var/backups/selfhost/gitea/<UTC timestamp>/,
# keeping the newest 7. Written by `selfhost render`; run by selfhost-gitea-backup.timer.
set -euo pipefail
cd "$(dirname "$0")"

DOCKER="/usr/bin/true"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/selfhost/gitea}"
KEEP="${KEEP:-7}"
PROJECT="$(sed -n 's/^COMPOSE_PROJECT_NAME=//p' .env | tail -n 1)"
PROJECT="${PROJECT:-selfhost-gitea}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
DEST="$BACKUP_DIR/$STAMP"

umask 077
mkdir -p "$DEST.partial"
trap 'rm -rf "$DEST.partial"' EXIT

# db: database gitea
"$DOCKER" compose exec -T db sh -c 'exec pg_dump -U "${POSTGRES_USER:-postgres}" --format=custom "$1"' sh gitea > "$DEST.partial/db-gitea.pgdump"

# Volume gitea-data, archived from a throwaway container (read-only mount).
"$DOCKER" run --rm --network none -v "${PROJECT}_gitea-data:/volume:ro" -v "$DEST.partial:/backup" alpine:3.22 \
  tar -czf /backup/volume-gitea-data.tar.gz -C /volume .

cp compose.yaml "$DEST.partial/compose.yaml"
# The app's settings and secrets (encryption keys the data can't be read without): mode 0600.
install -m 0600 .env "$DEST.partial/.env"
mv "$DEST.partial" "$DEST"
trap - EXIT

# Retention: keep the newest $KEEP backups.
ls -1d "$BACKUP_DIR"/[0-9]*Z 2>/dev/null | sort -r | tail -n +"$((KEEP + 1))" | while read -r old; do
  rm -rf "$old"
done || true
echo "backup of gitea written to $DEST"
