#!/usr/bin/env bash
# Builds (or finds cached) the e2e suite's stand-in images, tagged with every image reference that
# `selfhost render` writes for every renderable app. See e2e/images/build.py and e2e/standins/README.md.
# E2E_NO_CACHE=1 rebuilds everything without any cache (to measure a cold build; with E2E_CACHE=<empty
# dir> debootstrap runs too). Needs the engine (scripts/e2e/engine.sh) and a built selfhost (SELFHOST=path, default: the debug build).
set -euo pipefail
cd "$(dirname "$0")/../.."
selfhost="${SELFHOST:-$(swift build --show-bin-path 2>/dev/null)/selfhost}"
[ -x "$selfhost" ] || { echo "e2e images: error: no selfhost binary at $selfhost (run swift build, or set SELFHOST)" >&2; exit 1; }
export DOCKER_BUILDKIT=0
exec /usr/bin/python3 e2e/images/build.py "$selfhost"
