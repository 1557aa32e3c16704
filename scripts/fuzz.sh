#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser with libFuzzer (swift build -sanitize=fuzzer).
#
#   scripts/fuzz.sh                 # every target, 30 s each (CI: about 4 minutes in all)
#   scripts/fuzz.sh 600 compose     # one target, 10 minutes (the long run: bench/README.md)
#
# Targets and their invariants: Tests/SelfhostKitTests/Fuzz/FuzzTargets.swift (the same code the
# test suite runs in-process). The corpus grows in .build-fuzz/corpus/<target>; a crash is saved
# as .build-fuzz/crash-<target>-*, and must become a regression test. Prints runs and exec/s.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
seconds=${1:-30}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=(compose caddyfile systemd env catalog-yaml records dns-wire cli-numbers)
fi

mkdir -p .build-fuzz/src
ln -sfn "$root" .build-fuzz/src/selfhost
# -sanitize=fuzzer instruments every module for coverage and links libFuzzer's main;
# (SWIFT_BACKTRACE=enable=no below leaves a trap to libFuzzer, which then saves the input.)
# -DSELFHOST_LIBFUZZER selects the libFuzzer entry points in Fuzz/Sources/selfhost-fuzz/Entry.swift.
# The flags reach the build plugin's tool too: it keeps its own main (--allow-multiple-definition,
# first definition wins, with lld) and a stub fuzzer entry (Sources/EmbedResourcesTool/main.swift).
swift build --package-path Fuzz --scratch-path .build-fuzz/build -c debug --product selfhost-fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DSELFHOST_LIBFUZZER -Xswiftc -enable-testing \
    -Xswiftc -use-ld=lld -Xlinker --allow-multiple-definition
bin=.build-fuzz/build/debug/selfhost-fuzz

status=0
printf '%-14s %10s %10s %8s  %s\n' target runs exec/s corpus result
for t in "${targets[@]}"; do
    corpus=.build-fuzz/corpus/$t
    mkdir -p "$corpus"
    log=.build-fuzz/$t.log
    set +e
    SWIFT_BACKTRACE=enable=no SELFHOST_FUZZ_TARGET=$t SELFHOST_FUZZ_FIXTURES="$root/Tests/SelfhostKitTests/Fixtures" \
    SELFHOST_FUZZ_SEED_DIR="$corpus" SELFHOST_FUZZ_DICT=".build-fuzz/$t.dict" \
        "$bin" -dict=".build-fuzz/$t.dict" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 -artifact_prefix=".build-fuzz/crash-$t-" "$corpus" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    size=$(find "$corpus" -type f | wc -l)
    result=ok
    if ((rc != 0)); then result="FOUND (exit $rc): see $log"; status=1; fi
    printf '%-14s %10s %10s %8s  %s\n' "$t" "${runs:-?}" "${rate:-?}" "$size" "$result"
done
exit $status
