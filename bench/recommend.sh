#!/usr/bin/env bash
# `selfhost recommend mailchimp` against the start of a trivial Swift executable.
# Target: at most 1.5x — loading the catalog must be close to free.
source "$(dirname "$0")/common.sh"
need_tools hyperfine python3 swift
build_release
hyperfine -N --warmup 20 --runs 300 --export-json "$OUT/recommend.json" \
    -n baseline "$BASELINE" \
    -n "recommend mailchimp" "$SELFHOST recommend mailchimp"
r=$(ratio "$OUT/recommend.json")
echo "recommend mailchimp / trivial Swift executable: ${r}x (target <= 1.5x)"
python3 -c "import sys; sys.exit(0 if float('$r') <= 1.5 else 1)" && echo PASS || { echo FAIL; exit 1; }
