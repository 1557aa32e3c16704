#!/usr/bin/env bash
# `selfhost recommend mailchimp` (release build) against two baselines measured in the same run:
#  - a trivial Swift executable (print "hello"), built with the same static Swift runtime;
#  - `selfhost --version`: the same binary's start and argument parsing, without the catalog.
# Target: loading the catalog is close to free, i.e. recommend <= 1.5x a trivial start.
source "$(dirname "$0")/common.sh"
need_tools hyperfine python3 swift
build_release
hyperfine -N --warmup 20 --runs 300 --export-json "$OUT/recommend.json" \
    -n "trivial Swift executable" "$BASELINE" \
    -n "selfhost --version" "$SELFHOST --version" \
    -n "selfhost recommend mailchimp" "$SELFHOST recommend mailchimp"
python3 - "$OUT/recommend.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
base, ver, rec = (r[k]["mean"] * 1000 for k in ("trivial Swift executable", "selfhost --version", "selfhost recommend mailchimp"))
print(f"trivial Swift executable     {base:6.2f} ms")
print(f"selfhost --version           {ver:6.2f} ms  ({ver / base:.2f}x trivial)")
print(f"selfhost recommend mailchimp {rec:6.2f} ms  ({rec / base:.2f}x trivial, {rec / ver:.2f}x --version)")
print(f"catalog load + recommend cost over the binary's own start: {rec - ver:.2f} ms")
print("target <= 1.5x:", "PASS" if rec / base <= 1.5 else f"MISSED vs trivial executable ({rec / base:.2f}x); "
      + ("PASS" if rec / ver <= 1.5 else "MISSED") + f" vs the binary's own start ({rec / ver:.2f}x)")
PY
