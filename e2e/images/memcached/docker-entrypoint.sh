#!/bin/sh
# As docker-library/memcached: options alone go to memcached (which runs as the image's memcache user).
set -e
case "$1" in -*) set -- memcached "$@" ;; esac
exec "$@"
