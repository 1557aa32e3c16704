#!/usr/bin/env bash
# Process start of the static release binary, in one hyperfine run:
#  - trivial Swift executable (print only), trivial + Foundation, trivial + FoundationEssentials,
#    all built with the same static Swift runtime (`swiftc -O -static-stdlib`);
#  - `selfhost --version` (the binary's own start: loading, relocations, static initialisers);
#  - `selfhost recommend mailchimp` (start + catalog look-up + the report).
# Goal: recommend <= 1.5x the trivial executable. Prints the ratios; writes $OUT/startup.json.
# RUNS (default 300) sets the number of runs per command; SELFHOST_BIN uses a binary built already.
source "$(dirname "$0")/common.sh"
need_tools hyperfine python3 swift
build_release
for variant in foundation essentials; do
    bin="$OUT/startup-$variant"
    if [ ! -x "$bin" ] || [ "$ROOT/bench/startup/$variant.swift" -nt "$bin" ]; then
        swiftc -O -static-stdlib "$ROOT/bench/startup/$variant.swift" -o "$bin"
    fi
done
ls -l "$SELFHOST" "$BASELINE" "$OUT/startup-foundation" "$OUT/startup-essentials" | awk '{printf "%12d bytes  %s\n", $5, $9}'
# SELFHOST_BEFORE=path adds another build of the binary (e.g. before a change) to the same run.
before=()
if [ -n "${SELFHOST_BEFORE:-}" ]; then
    before=(-n "before: selfhost --version" "$SELFHOST_BEFORE --version" -n "before: selfhost recommend mailchimp" "$SELFHOST_BEFORE recommend mailchimp")
fi
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$OUT/startup.json" \
    -n "trivial" "$BASELINE" \
    -n "trivial + Foundation" "$OUT/startup-foundation" \
    -n "trivial + FoundationEssentials" "$OUT/startup-essentials" \
    -n "selfhost --version" "$SELFHOST --version" \
    -n "selfhost recommend mailchimp" "$SELFHOST recommend mailchimp" "${before[@]}" >/dev/null
python3 - "$OUT/startup.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base = r["trivial"]["mean"]
cpu = lambda x: x["user"] + x["system"]
for name, x in r.items():
    print(f"{name:32s} {x['mean'] * 1000:6.2f} ms ± {x['stddev'] * 1000:5.2f} wall ({x['mean'] / base:.2f}x trivial)"
          f"   {cpu(x) * 1000:5.2f} ms CPU ({cpu(x) / cpu(r['trivial']):.2f}x)")
print("on a loaded machine the wall times scatter; user+system CPU time is the steadier figure")
rec, ver = r["selfhost recommend mailchimp"]["mean"], r["selfhost --version"]["mean"]
crec = cpu(r["selfhost recommend mailchimp"]) / cpu(r["trivial"])
print(f"recommend over the binary's own start: {(rec - ver) * 1000:.2f} ms; goal <= 1.5x trivial:",
      "PASS" if rec / base <= 1.5 else f"MISSED ({rec / base:.2f}x wall, {crec:.2f}x CPU)")
PY
