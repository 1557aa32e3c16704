#!/bin/bash
# The official rabbitmq image's contract the boxes use: RABBITMQ_DEFAULT_USER/PASS/VHOST define the
# first user on an empty node; guest can log in from other hosts only if it is that user; listen on
# all interfaces; the Erlang cookie from RABBITMQ_ERLANG_COOKIE when set.
set -euo pipefail
if [ "$1" = rabbitmq-server ]; then
    mkdir -p /etc/rabbitmq/conf.d /var/lib/rabbitmq /var/log/rabbitmq
    {
        echo "listeners.tcp.default = 5672"
        echo "loopback_users.guest = false"
        echo "default_user = ${RABBITMQ_DEFAULT_USER:-guest}"
        echo "default_pass = ${RABBITMQ_DEFAULT_PASS:-guest}"
        echo "default_vhost = ${RABBITMQ_DEFAULT_VHOST:-/}"
        echo "log.console = true"
        echo "log.file = false"
    } > /etc/rabbitmq/conf.d/10-standin.conf
    if [ -n "${RABBITMQ_ERLANG_COOKIE:-}" ]; then
        printf '%s' "$RABBITMQ_ERLANG_COOKIE" > /var/lib/rabbitmq/.erlang.cookie
        chmod 600 /var/lib/rabbitmq/.erlang.cookie
    fi
    chown -R rabbitmq:rabbitmq /var/lib/rabbitmq /var/log/rabbitmq /etc/rabbitmq
    exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups env HOME=/var/lib/rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server
fi
exec "$@"
