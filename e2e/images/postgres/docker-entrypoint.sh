#!/bin/bash
# The official postgres image's entrypoint contract, as selfhost's boxes rely on it
# (docker-library/postgres docker-entrypoint.sh): on an empty $PGDATA, initdb with POSTGRES_USER as
# superuser and POSTGRES_PASSWORD, create POSTGRES_DB, run /docker-entrypoint-initdb.d/*, listen on
# all interfaces with password auth (scram-sha-256) for the network, trust on the local socket;
# POSTGRES_PASSWORD/USER/DB/INITDB_ARGS also from <NAME>_FILE (file_env).
set -euo pipefail
[ "${1:0:1}" = '-' ] && set -- postgres "$@"
if [ "$1" != postgres ]; then exec "$@"; fi
: "${PGDATA:=/var/lib/postgresql/data}"
if [ "${TAG_MAJOR:-0}" -ge 18 ] && [ "$PGDATA" != /var/lib/postgresql/data ] && mountpoint -q /var/lib/postgresql/data 2>/dev/null; then
    # As docker-library/postgres 18+: data mounted at the pre-18 path would be ignored; refuse.
    echo "Error: in 18+, these Docker images are configured to store database data in a format which is compatible with pg_ctlcluster; mount at /var/lib/postgresql, not /var/lib/postgresql/data (or set PGDATA)." >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA" && chmod 00700 "$PGDATA" && chown -R postgres:postgres "$PGDATA"
    mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql
    exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi
# As upstream's file_env: a variable may come from the file <NAME>_FILE names (Docker secrets); both is an error.
for var in POSTGRES_PASSWORD POSTGRES_USER POSTGRES_DB POSTGRES_INITDB_ARGS; do
    file_var="${var}_FILE"
    if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
        echo "error: both $var and $file_var are set (but are exclusive)" >&2
        exit 1
    fi
    if [ -n "${!file_var:-}" ]; then
        export "$var"="$(< "${!file_var}")"
        unset "$file_var"
    fi
done
user="${POSTGRES_USER:-postgres}"
db="${POSTGRES_DB:-$user}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "${POSTGRES_HOST_AUTH_METHOD:-}" != trust ]; then
        echo "Error: Database is uninitialized and superuser password is not specified (POSTGRES_PASSWORD)." >&2
        exit 1
    fi
    pwfile=$(mktemp)
    printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$pwfile"
    # shellcheck disable=SC2086
    initdb --username="$user" --pwfile="$pwfile" -D "$PGDATA" ${POSTGRES_INITDB_ARGS:-} >/dev/null
    rm -f "$pwfile"
    printf '\nhost all all all %s\n' "${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}" >> "$PGDATA/pg_hba.conf"
    pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start >/dev/null
    psql=(psql -v ON_ERROR_STOP=1 --username "$user" --no-password --no-psqlrc)
    if [ "$db" != postgres ]; then
        "${psql[@]}" --dbname postgres --set db="$db" -q <<<"CREATE DATABASE :\"db\";"
    fi
    for f in /docker-entrypoint-initdb.d/*; do
        case "$f" in
            *.sh) echo "running $f"; if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
            *.sql) echo "running $f"; "${psql[@]}" --dbname "$db" -f "$f" ;;
            *.sql.gz) echo "running $f"; gunzip -c "$f" | "${psql[@]}" --dbname "$db" ;;
            *) ;;
        esac
    done
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    echo "PostgreSQL init process complete; ready for start up."
fi
exec "$@" -c listen_addresses='*'
