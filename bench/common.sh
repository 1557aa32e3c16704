# Shared by the bench scripts: builds the release binary and the trivial baseline, and reads ratios.
# shellcheck shell=bash
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/bench/results"
mkdir -p "$OUT"

need_tools() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install -y $tool)" >&2; exit 2; }
    done
}

# The same link mode for both: a static Swift runtime.
# SELFHOST_BIN=path uses a binary built already (e.g. with --scratch-path) instead of building.
build_release() {
    if [ -n "${SELFHOST_BIN:-}" ]; then
        SELFHOST="$SELFHOST_BIN"
    else
        (cd "$ROOT" && swift build -c release --static-swift-stdlib >/dev/null)
        SELFHOST="$(cd "$ROOT" && swift build -c release --static-swift-stdlib --show-bin-path)/selfhost"
    fi
    BASELINE="$OUT/baseline"
    if [ ! -x "$BASELINE" ] || [ "$ROOT/bench/baseline/main.swift" -nt "$BASELINE" ]; then
        swiftc -O -static-stdlib "$ROOT/bench/baseline/main.swift" -o "$BASELINE"
    fi
    export SELFHOST BASELINE
}

# ratio JSON_FILE: mean of the second command over the mean of the first.
ratio() {
    python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"{r[1]['mean'] / r[0]['mean']:.2f}")
PY
}
