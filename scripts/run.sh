#!/usr/bin/env bash
# Runs selfhost from a fresh clone: installs the one C library it builds against (libcurl's
# headers, for the HTTP layer) when missing, then `swift run selfhost ARGS…`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg-query -W -f='${Status}' libcurl4-openssl-dev 2>/dev/null | grep -q "install ok installed"; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing the build dependency libcurl4-openssl-dev" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends libcurl4-openssl-dev >&2
fi
exec swift run selfhost "$@"
