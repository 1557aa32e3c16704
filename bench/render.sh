#!/usr/bin/env bash
# Benchmark: `selfhost render` of every renderable catalog app into one box, on the release build,
# against a trivial baseline (`selfhost --version`: process start-up) measured in the same run.
# Needs hyperfine (apt-get install -y hyperfine). Target: well under 0.5 s.
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/common.sh   # the release build every bench uses (static Swift runtime)
build_release
BIN="$SELFHOST"
APPS="$("$BIN" catalog list --format json | python3 -c '
import json, sys
data = json.load(sys.stdin)
apps = data.get("apps", data) if isinstance(data, dict) else data
print(" ".join(a["id"] for a in apps if a.get("renderable")))')"
[ -n "$APPS" ] || { echo "no renderable apps found in the catalog" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "apps: $(wc -w <<<"$APPS") ($APPS)"

RENDER="$BIN render $APPS --domain example.com --email ops@example.com --docker /usr/bin/true --out $WORK/box"
# One --prepare per command, in order: only the fresh render starts from an empty directory.
hyperfine --warmup 3 --runs 30 --export-json "$WORK/result.json" \
  --prepare true --prepare "rm -rf $WORK/box" --prepare true \
  --command-name baseline "$BIN --version" \
  --command-name "render (fresh box)" "$RENDER" \
  --command-name "re-render (same box)" "$RENDER"

python3 - "$WORK/result.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["baseline"]["mean"]
for name in ("render (fresh box)", "re-render (same box)"):
    m = r[name]["mean"]
    print(f"{name}: mean {m*1000:.1f} ms (±{r[name]['stddev']*1000:.1f}), {m/base:.1f}x the baseline ({base*1000:.1f} ms)")
    if m >= 0.5:
        print(f"FAIL: {name} takes {m:.3f} s, not under 0.5 s", file=sys.stderr); sys.exit(1)
PY
