#!/usr/bin/env bash
# Benchmark: `selfhost status` on a running box against what an operator would otherwise run on
# the same engine in the same run: `docker ps -a` plus `docker stats --no-stream`. Both take two
# samples (docker stats waits for its own second reading), so both spend about a second waiting;
# the ratio says what the join, /proc and the backup directory cost on top.
# Then `status --watch` is driven in tmux for N refreshes and its CPU time per refresh is read
# from /proc/<pid>/stat.
# Usage: bench/status.sh BOX_DIR   (a rendered box whose apps are running, e.g. the e2e suite's
# all-apps box kept with SELFHOST_E2E_KEEP=1). Needs hyperfine and tmux.
set -euo pipefail
cd "$(dirname "$0")/.."
BOX="${1:?usage: bench/status.sh BOX_DIR}"
source bench/common.sh
need_tools hyperfine tmux docker
build_release
BIN="$SELFHOST"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"; tmux kill-session -t selfhost-bench 2>/dev/null || true' EXIT
containers=$(docker ps -q | wc -l)
apps=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["apps"]))' "$BOX/.selfhost/manifest.json")
echo "box: $apps apps, $containers running containers"

hyperfine --warmup 1 --runs 10 --export-json "$WORK/result.json" \
  --command-name "docker ps -a + docker stats --no-stream" "docker ps -a >/dev/null && docker stats --no-stream >/dev/null" \
  --command-name "selfhost status (1 s between samples)" "$BIN status --box $BOX --format json >/dev/null" \
  --command-name "selfhost status --interval 0.1" "$BIN status --box $BOX --interval 0.1 --format json >/dev/null"
python3 - "$WORK/result.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["mean"]
for x in r:
    print(f"{x['command']}: {x['mean']*1000:.0f} ms ± {x['stddev']*1000:.0f} ({x['mean']/base:.2f}× docker)")
PY

# --watch: CPU seconds per refresh over REFRESHES refreshes at 1 s.
REFRESHES=20
tmux new-session -d -s selfhost-bench -x 160 -y 60 "$BIN status --box $BOX --watch 1"
sleep 2
pid=$(pgrep -n -f "status --box $BOX --watch 1")
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
t0=$(ticks)
sleep "$REFRESHES"
t1=$(ticks)
hz=$(getconf CLK_TCK)
python3 -c "print(f'--watch 1: {($t1-$t0)/$hz/$REFRESHES*1000:.1f} ms CPU per refresh over $REFRESHES refreshes ({($t1-$t0)/$hz/$REFRESHES*100:.1f}% of one core)')"
tmux send-keys -t selfhost-bench q
