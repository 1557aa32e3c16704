#!/bin/sh
# As docker-library/redis docker-entrypoint.sh: options alone go to redis-server; run as the redis
# user. Upstream's image is built with protected mode off; Debian's binary isn't, so say it here.
set -e
case "$1" in -*|*.conf) set -- redis-server "$@" ;; esac
case "$1" in valkey-server) shift; set -- redis-server "$@" ;; esac
if [ "$1" = redis-server ]; then
    case " $* " in *" --protected-mode "*) ;; *) set -- "$@" --protected-mode no ;; esac
    if [ "$(id -u)" = 0 ]; then
        chown -R redis:redis /data 2>/dev/null || true
        exec setpriv --reuid=redis --regid=redis --init-groups "$@"
    fi
fi
exec "$@"
