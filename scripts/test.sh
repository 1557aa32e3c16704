#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages, then runs it.
# The tests use the real tools: knotd (a DNS server on loopback) for preflight, and caddy,
# docker-compose and systemd-analyze to validate what `selfhost render` writes.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(knot knot-dnsutils caddy docker-compose systemd python3 python3-jsonschema openssl libcurl4-openssl-dev tmux)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing test dependencies: ${missing[*]}"
    $sudo apt-get update -qq
    # Don't let package scripts start services: the tests start what they need themselves.
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
        $sudo chmod +x /usr/sbin/policy-rc.d
        own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
    [ -z "$own_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d
fi

# CI=true makes a test fail, rather than skip, when a real tool it needs is missing.
export CI="${CI:-true}"

# Each phase's wall time, printed as it ends and as a table at the end (docs/E2E.md keeps the figures
# of a measured run). SELFHOST_TIMES=FILE appends the rows to FILE too (.ci/run adds the fuzz run).
phases=()
phase() {  # phase NAME COMMAND…: runs it, records its seconds and status; the script goes on either way
    local name=$1 start=$SECONDS status=0
    shift
    echo "==> $name" >&2
    "$@" || status=$?
    local row
    row=$(printf '%-28s %6d s  %s' "$name" $((SECONDS - start)) "$([ $status = 0 ] && echo ok || echo "FAILED ($status)")")
    phases+=("$row")
    echo "<== $row" >&2
    [ -z "${SELFHOST_TIMES:-}" ] || echo "$row" >>"$SELFHOST_TIMES"
    return $status
}
summary() {
    ((${#phases[@]})) || return 0
    printf '\n%-28s %8s  %s\n' phase wall status >&2
    printf '%s\n' "${phases[@]}" >&2
}
trap summary EXIT

phase "swift build --build-tests" swift build --build-tests
# The release build the README promises (one static binary): the optimizer must get through it too.
phase "swift build -c release" swift build -c release --static-swift-stdlib
# Serially: several suites start real servers (knotd) and validators, and the preflight suite
# checks that a dead resolver ends within two timeouts; on 2 shared cores, running everything at
# once starves those checks of CPU. Serial, the whole suite takes about a minute.
phase "swift test" swift test --no-parallel "$@"

# End to end (e2e/, docs/E2E.md): every renderable app rendered into one box and started on a real
# Docker Engine (Debian 12's docker.io, Compose v2 from Debian 13's package) with stand-in images
# built here from Debian packages. engine.sh installs and starts the engine when it is absent;
# images.sh reuses images whose build context hasn't changed. Under CI=true a missing engine fails.
# SELFHOST_SKIP_E2E=1 leaves it out (a quick local run of the Swift tests only).
if [ "${SELFHOST_SKIP_E2E:-}" != 1 ]; then
    export SELFHOST="$(swift build --show-bin-path)/selfhost"
    phase "e2e engine.sh" scripts/e2e/engine.sh
    # Under the machine's images lock: another tree's images.sh retags the same shared references.
    phase "e2e images.sh" flock /run/lock/selfhost-e2e-images.lock scripts/e2e/images.sh
    # Debian's interpreter, where engine.sh installed pytest and PyYAML (not a python3 earlier on PATH).
    # The modules that have passed on this engine run by default, each in its own pytest run (its
    # own time; a failing module doesn't stop the next); E2E_ALL=1 adds the opt-in ones
    # (docs/E2E.md, "Status of the modules"); E2E_MODULES="a b" runs exactly those.
    modules=(test_docs test_status test_gate test_resilience test_lifecycle test_ownapp test_apps test_backup)
    optin=(test_swarm test_install)
    # test_backup restores every app's backup on the same box; onto a new box (another server) CI
    # restores this subset, which covers each kind of dump and volume (PostgreSQL with and without
    # volumes, MySQL/MariaDB, three databases in one dump set, other service names, volumes only);
    # E2E_NEW_BOX_APPS=all (or E2E_ALL=1) restores every app there too (docs/E2E.md has both figures).
    subset=umami,listmonk,gitea,wordpress,seafile,vaultwarden,zammad,nextcloud,mattermost,chatwoot
    [ "${E2E_ALL:-}" != 1 ] || subset=all
    export E2E_NEW_BOX_APPS="${E2E_NEW_BOX_APPS:-$subset}"
    if [ -n "${E2E_MODULES:-}" ]; then
        read -r -a modules <<<"$E2E_MODULES"
    elif [ "${E2E_ALL:-}" = 1 ]; then
        modules+=("${optin[@]}")
    fi
    failed=()
    for m in "${modules[@]}"; do
        phase "e2e $m" /usr/bin/python3 -m pytest "e2e/$m.py" -q -rfEX -p no:cacheprovider || failed+=("$m")
    done
    if ((${#failed[@]})); then
        echo "e2e: failed: ${failed[*]}" >&2
        exit 1
    fi
fi
