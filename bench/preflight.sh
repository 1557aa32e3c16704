#!/usr/bin/env bash
# Benchmark: `selfhost preflight` (3 apps + an ESP) against knotd behind a relay that delays
# every DNS answer by DELAY_MS (default 50 ms), compared in the same run with
#   - the longest chain of dependent queries × DELAY_MS (what a fully concurrent client can reach),
#   - the sum of all query latencies (queries × DELAY_MS: what a one-query-at-a-time client pays),
#   - checkdmarc (PyPI) on the same zone through the same relay (it checks less: no DKIM, CAA, hosts).
# Loopback only. Needs: knotd (Debian knot), kdig (knot-dnsutils), hyperfine, python3, checkdmarc (pip).
# The relay listens on 127.0.0.153:53 because checkdmarc cannot use another port (needs root or
# CAP_NET_BIND_SERVICE).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DELAY_MS=${DELAY_MS:-50}
RUNS=${RUNS:-10}
RELAY_IP=${RELAY_IP:-127.0.0.153}
# Longest chain of dependent queries in this scenario is 4: mx.ptr asks MX → the MX host's
# addresses → their PTR → the PTR name's address (forward-confirmed reverse DNS). The others are
# 2 deep: a DKIM selector's TXT query comes back as a CNAME to amazonses.com, which is asked
# next; SPF record → include (or mx probe); a missing selector → its doubled-domain probe.
# Everything else (MTA-STS, TLS-RPT, BIMI, DMARC, CAA…) is one query deep, and all chains run at
# the same time. See docs/PREFLIGHT.md.
CHAIN=${CHAIN:-4}

for tool in knotd kdig hyperfine python3 checkdmarc; do
    command -v "$tool" >/dev/null || { echo "bench/preflight.sh: $tool not found (see /work/notes/preflight-ci.md)" >&2; exit 2; }
done

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

source "$ROOT/bench/common.sh"   # the release build every bench uses (static Swift runtime)
if [ -n "${SELFHOST_BIN:-}" ]; then
    BIN="$SELFHOST_BIN"   # a release binary built elsewhere (e.g. another --scratch-path)
elif [ -n "${SKIP_BUILD:-}" ]; then
    BIN="$(cd "$ROOT" && swift build -c release --static-swift-stdlib --show-bin-path)/selfhost"
else
    build_release >&2
    BIN="$SELFHOST"
fi

KNOT_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 "$ROOT/bench/preflight/zones.py" "$ROOT/Tests/SelfhostKitTests/Fixtures/preflight" "$WORK" "$KNOT_PORT"
knotd -c "$WORK/knot.conf" >"$WORK/knot.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
    kdig +short +time=1 +retry=0 @127.0.0.1 -p "$KNOT_PORT" ses.test SOA 2>/dev/null | grep -q . && break
    sleep 0.1
done
python3 "$ROOT/bench/preflight/relay.py" "$RELAY_IP" 53 127.0.0.1 "$KNOT_PORT" "$DELAY_MS" >"$WORK/relay.log" 2>&1 &
PIDS+=($!)
ok=""
for _ in $(seq 50); do
    if kdig +short +time=1 +retry=0 @"$RELAY_IP" -p 53 ses.test SOA 2>/dev/null | grep -q .; then ok=1; break; fi
    sleep 0.1
done
[ -n "$ok" ] || { echo "bench/preflight.sh: the relay on $RELAY_IP:53 does not answer (port taken?): $(cat "$WORK/relay.log")" >&2; exit 1; }

ARGS="preflight --domain ses.test --server-ip 127.0.0.10 --apps umami,listmonk,forgejo --esp ses --dkim-selector tok1,tok2,tok3 --return-path mail --format json"
PREFLIGHT="$BIN $ARGS --resolver $RELAY_IP:53"
DIRECT="$BIN $ARGS --resolver 127.0.0.1:$KNOT_PORT"
CHECKDMARC="checkdmarc ses.test -n $RELAY_IP -t 3"

$PREFLIGHT >"$WORK/preflight.json" || true
QUERIES=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["queries"])' "$WORK/preflight.json")
CHECKS=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["checks"]))' "$WORK/preflight.json")

hyperfine --warmup 1 --runs "$RUNS" -i -N --export-json "$WORK/hyperfine.json" \
    -n "preflight (+${DELAY_MS} ms)" "$PREFLIGHT" \
    -n "preflight (no delay)" "$DIRECT" \
    -n "checkdmarc (+${DELAY_MS} ms)" "$CHECKDMARC" >&2

python3 - "$WORK/hyperfine.json" "$DELAY_MS" "$CHAIN" "$QUERIES" "$CHECKS" <<'PY'
import json, sys
runs = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
delay, chain, queries, checks = float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
names = list(runs)
pf, direct, cd = (runs[n]["mean"] * 1000 for n in names)
print(f"scenario: ses.test, 3 apps + SES, {checks} check results, {queries} DNS queries, +{delay:.0f} ms per answer")
print(f"preflight (+{delay:.0f} ms):   {pf:8.1f} ms  (stddev {runs[names[0]]['stddev']*1000:.1f})")
print(f"preflight (no delay): {direct:8.1f} ms")
print(f"checkdmarc (+{delay:.0f} ms):  {cd:8.1f} ms  (SPF/DMARC/MX/NS only)")
print(f"longest chain {chain} x {delay:.0f} ms = {chain*delay:.0f} ms  -> preflight / chain = {pf/(chain*delay):.2f}")
print(f"(preflight - no-delay overhead) / chain = {(pf-direct)/(chain*delay):.2f}")
print(f"sum of latencies {queries} x {delay:.0f} ms = {queries*delay:.0f} ms -> preflight is {queries*delay/pf:.1f}x faster than serial")
print(f"checkdmarc / preflight = {cd/pf:.2f}")
PY
