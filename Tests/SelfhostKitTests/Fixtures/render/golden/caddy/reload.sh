#!/bin/bash
# Reloads the box's Caddy without restarting it: `systemctl reload selfhost-caddy` runs this.
# Written by `selfhost render`. A running container joins a network only when recreated or
# connected, so an app added since Caddy started would answer 502: first connect the running
# container to every app's web network it is not on yet (creating a missing network with its
# subnet), then have Caddy read the Caddyfile again. No site drops while this runs: the ports stay
# on Caddy's own edge network, connected first (a Caddy started before render gave it one moves its
# ports there once, which drops the requests of that moment; after that, never again).
set -euo pipefail
cd "$(dirname "$0")"

DOCKER="/usr/bin/true"
CONTAINER="$("$DOCKER" compose ps -q caddy)"
if [ -z "$CONTAINER" ]; then
  echo "reload.sh: Caddy is not running in $(pwd); start it: sudo systemctl start selfhost-caddy" >&2
  exit 1
fi

connect() {
  local network=$1 subnet=$2
  "$DOCKER" network inspect "$network" >/dev/null 2>&1 || "$DOCKER" network create --subnet "$subnet" "$network" >/dev/null
  # The network's containers are listed by their full id; `compose ps -q` may print a prefix.
  # Read the whole answer first: `inspect | grep -q` under pipefail fails when grep stops reading
  # early (SIGPIPE), and the connect then fails with "endpoint … already exists".
  local members
  members="$("$DOCKER" network inspect "$network" 2>/dev/null || true)"
  if [[ $members != *"\"$CONTAINER"* ]]; then
    "$DOCKER" network connect "$network" "$CONTAINER"
    echo "connected Caddy to $network"
  fi
}
connect selfhost-caddy_edge 10.231.255.0/24
connect selfhost_gitea_web 10.231.0.0/24
connect selfhost_umami_web 10.231.1.0/24

"$DOCKER" compose exec -T caddy caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile
