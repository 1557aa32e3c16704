#!/bin/bash
# The official mariadb/mysql images' entrypoint contract as selfhost's boxes rely on it
# (MariaDB/mariadb-docker docker-entrypoint.sh, docker-library/mysql): on an empty datadir create the
# system tables, the root password (MARIADB_ROOT_PASSWORD / MYSQL_ROOT_PASSWORD, or
# *_ALLOW_EMPTY_*_PASSWORD, or *_RANDOM_ROOT_PASSWORD), root@'%' unless MARIADB_ROOT_HOST says
# otherwise, MARIADB_DATABASE/MYSQL_DATABASE, MARIADB_USER/MYSQL_USER with its password and all
# rights on that database, a healthcheck user for healthcheck.sh, then /docker-entrypoint-initdb.d/*.
set -euo pipefail
[ "${1:0:1}" = '-' ] && set -- mariadbd "$@"
case "$1" in mysqld|mariadbd) ;; *) exec "$@" ;; esac
env_of() { local a="MARIADB_$1" b="MYSQL_$1"; printf '%s' "${!a:-${!b:-}}"; }
if [ "$(id -u)" = 0 ]; then
    mkdir -p /var/lib/mysql /run/mysqld && chown -R mysql:mysql /var/lib/mysql /run/mysqld
    exec setpriv --reuid=mysql --regid=mysql --init-groups "$BASH_SOURCE" "$@"
fi
datadir=/var/lib/mysql
if [ ! -d "$datadir/mysql" ]; then
    root_pw=$(env_of ROOT_PASSWORD)
    if [ -z "$root_pw" ] && [ -z "$(env_of ALLOW_EMPTY_ROOT_PASSWORD)" ] && [ -z "$(env_of RANDOM_ROOT_PASSWORD)" ]; then
        echo "error: database is uninitialized and password option is not specified" >&2
        echo "  You need to specify one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD" >&2
        exit 1
    fi
    if [ -n "$(env_of RANDOM_ROOT_PASSWORD)" ]; then
        root_pw=$(head -c 24 /dev/urandom | base64); echo "GENERATED ROOT PASSWORD: $root_pw"
    fi
    mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=normal \
        --skip-test-db --skip-name-resolve >/dev/null
    "$@" --skip-networking --socket=/run/mysqld/mysqld.sock --datadir="$datadir" &
    pid=$!
    for _ in $(seq 60); do mariadb-admin --socket=/run/mysqld/mysqld.sock ping >/dev/null 2>&1 && break; sleep 1; done
    sql() { mariadb --protocol=socket --socket=/run/mysqld/mysqld.sock -uroot "$@"; }
    q() { printf '%s' "$1" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g"; }
    root_host=$(env_of ROOT_HOST); root_host=${root_host:-%}
    hc_pw=$(head -c 24 /dev/urandom | base64)
    database=$(env_of DATABASE); user=$(env_of USER); password=$(env_of PASSWORD)
    {
        echo "SET @@SESSION.SQL_LOG_BIN=0;"
        echo "DELETE FROM mysql.user WHERE user NOT IN ('mysql.sys', 'mariadb.sys', 'root') OR host NOT IN ('localhost');"
        echo "SET PASSWORD FOR 'root'@'localhost'=PASSWORD('$(q "$root_pw")');"
        if [ "$root_host" != localhost ]; then
            echo "CREATE USER 'root'@'$(q "$root_host")' IDENTIFIED BY '$(q "$root_pw")';"
            echo "GRANT ALL ON *.* TO 'root'@'$(q "$root_host")' WITH GRANT OPTION;"
        fi
        for h in 127.0.0.1 ::1 localhost; do
            echo "CREATE USER 'healthcheck'@'$h' IDENTIFIED BY '$(q "$hc_pw")';"
            echo "GRANT USAGE ON *.* TO 'healthcheck'@'$h';"
        done
        [ -z "$database" ] || echo "CREATE DATABASE IF NOT EXISTS \`$database\`;"
        if [ -n "$user" ]; then
            echo "CREATE USER '$(q "$user")'@'%' IDENTIFIED BY '$(q "$password")';"
            [ -z "$database" ] || echo "GRANT ALL ON \`$database\`.* TO '$(q "$user")'@'%';"
        fi
        echo "FLUSH PRIVILEGES;"
    } | sql
    printf '[mariadb-client]\nport=3306\nsocket=/run/mysqld/mysqld.sock\nuser=healthcheck\npassword=%s\nprotocol=tcp\n' "$hc_pw" \
        > "$datadir/.my-healthcheck.cnf"
    for f in /docker-entrypoint-initdb.d/*; do
        case "$f" in
            *.sh) echo "running $f"; if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
            *.sql) echo "running $f"; sql -p"$root_pw" ${database:+"$database"} < "$f" ;;
            *.sql.gz) echo "running $f"; gunzip -c "$f" | sql -p"$root_pw" ${database:+"$database"} ;;
            *) ;;
        esac
    done
    kill "$pid"; wait "$pid" || true
    echo "MariaDB init process done. Ready for start up."
fi
exec "$@"
