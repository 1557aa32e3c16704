#!/bin/sh
# As docker-library/memcached: options alone go to memcached; it runs as an unprivileged user.
set -e
case "$1" in -*) set -- memcached "$@" ;; esac
if [ "$1" = memcached ]; then
    shift
    exec setpriv --reuid=memcache --regid=memcache --init-groups /usr/bin/memcached "$@"
fi
exec "$@"
