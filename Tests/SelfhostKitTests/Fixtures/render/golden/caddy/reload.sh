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

# Whether Caddy is on a network, from the container's side (the engine's filter on its networks):
# a network's own list of endpoints may still hold a stale one of an earlier container of Caddy's name.
on_network() { [ -n "$("$DOCKER" ps -q --no-trunc --filter "id=$CONTAINER" --filter "network=$1")" ]; }
caddy_name() {
  local json
  json="$("$DOCKER" inspect --type container "$CONTAINER")"
  sed -n 's/^ *"Name": "\/\([^"]*\)",$/\1/p' <<<"$json" | sed -n 1p
}

connect() {
  local network=$1 subnet=$2 error name
  "$DOCKER" network inspect "$network" >/dev/null 2>&1 || "$DOCKER" network create --subnet "$subnet" "$network" >/dev/null
  if on_network "$network"; then
    return 0
  fi
  if ! error="$("$DOCKER" network connect "$network" "$CONTAINER" 2>&1)"; then
    # "endpoint with name … already exists" while Caddy isn't on the network: an endpoint left by an
    # earlier container of the same name (removed with --force, or while the engine stopped). The
    # engine deletes such an endpoint only by its name, and only when no container holds that name:
    # rename Caddy for a moment (Compose finds its container by labels; no site drops), force the
    # stale endpoint out, give the name back, and connect.
    if [[ $error != *"already exists"* ]]; then
      echo "$error" >&2
      return 1
    fi
    name="$(caddy_name)"
    [ -n "$name" ] || { echo "$error" >&2; return 1; }
    echo "reload.sh: $network holds a stale endpoint named $name; removing it" >&2
    "$DOCKER" rename "$CONTAINER" "$name-reload-$$"
    "$DOCKER" network disconnect --force "$network" "$name" || true
    "$DOCKER" rename "$CONTAINER" "$name"
    "$DOCKER" network connect "$network" "$CONTAINER"
  fi
  echo "connected Caddy to $network"
}
connect selfhost-caddy_edge 10.231.255.0/24
connect selfhost_gitea_web 10.231.0.0/24
connect selfhost_umami_web 10.231.1.0/24

"$DOCKER" compose exec -T caddy caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile
