#!/bin/bash
# The checks of the mariadb image's healthcheck.sh that selfhost's boxes use (--connect,
# --innodb_initialized, --su-mysql ignored), logging in as the healthcheck user the entrypoint made.
set -eu
cnf=/var/lib/mysql/.my-healthcheck.cnf
[ -r "$cnf" ] || { echo "healthcheck: $cnf missing" >&2; exit 1; }
run() { mariadb --defaults-extra-file="$cnf" --skip-column-names -e "$1"; }
rc=0
for arg in "$@"; do
    case "$arg" in
        --connect) run 'SELECT 1' >/dev/null || rc=1 ;;
        --innodb_initialized)
            [ "$(run "SELECT 1 FROM information_schema.ENGINES WHERE engine='InnoDB' AND support IN ('YES','DEFAULT','ENABLED')")" = 1 ] || rc=1 ;;
        --su-mysql|--su=*|--no-defaults|--defaults-file=*|--datadir=*) ;;
        *) echo "healthcheck: unsupported check $arg" >&2; exit 2 ;;
    esac
done
exit $rc
