#!/usr/bin/env bash
# Makes a Docker Engine with Compose v2 available for the end-to-end suite (e2e/), idempotently:
#   - Debian 12's docker.io (Engine 20.10), debootstrap, iptables and the suite's Python packages,
#     installed with apt when missing (package scripts may not start services: policy-rc.d);
#   - Compose v2 from Debian 13's `docker-compose` package (2.26.x, a Go binary needing only
#     glibc >= 2.34): that ONE .deb is fetched with an apt configuration of its own (state, sources and
#     cache under $E2E_CACHE/trixie-apt), checked by apt against the Debian archive keyring, extracted,
#     and its binary copied to /usr/local/lib/docker/cli-plugins/docker-compose. Nothing else of
#     Debian 13 is installed;
#   - dockerd started in the background with its own log when `docker info` doesn't answer, and
#     waited for (bounded). Nothing else on the machine is touched.
# The CLI the suite and the rendered units use is /usr/bin/docker (docker.io's, API 1.41). A newer
# CLI earlier on PATH (e.g. /usr/local/bin/docker 28.x) negotiates the API down too; both must find
# the plugin, which is checked below.
set -euo pipefail

cache="${E2E_CACHE:-/var/cache/selfhost-e2e}"
docker=/usr/bin/docker
plugin_dir=/usr/local/lib/docker/cli-plugins
log_dir="${E2E_ENGINE_LOG_DIR:-/var/log/selfhost-e2e}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo mkdir -p "$cache" "$log_dir"

say() { printf 'e2e engine: %s\n' "$*" >&2; }
die() { printf 'e2e engine: error: %s\n' "$*" >&2; exit 1; }

# Several test runs may share this machine: one at a time past this point.
exec 9>"$cache/.engine.lock"
flock -w 900 9 || die "another engine.sh held $cache/.engine.lock for 15 minutes"

# --- Debian 12 packages ----------------------------------------------------------------------
packages=(docker.io debootstrap iptables python3-pytest python3-yaml curl ca-certificates
          dpkg-dev util-linux)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    say "installing ${missing[*]}"
    $sudo apt-get update -qq
    own_policy=""
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
        $sudo chmod +x /usr/sbin/policy-rc.d
        own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || { [ -z "$own_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d; die "apt-get install failed"; }
    [ -z "$own_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d
fi
[ -x "$docker" ] || die "$docker missing after installing docker.io"

# --- Compose v2 from Debian 13 -----------------------------------------------------------------
compose_ok() { "$plugin_dir/docker-compose" version --short 2>/dev/null | grep -Eq '^v?2\.'; }
if ! compose_ok; then
    apt_dir="$cache/trixie-apt"
    $sudo mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/etc/preferences.d" \
        "$apt_dir/etc/sources.list.d" "$apt_dir/deb"
    keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    [ -r "$keyring" ] || die "$keyring missing (package debian-archive-keyring)"
    printf 'deb [signed-by=%s] http://deb.debian.org/debian trixie main\n' "$keyring" \
        | $sudo tee "$apt_dir/etc/sources.list" >/dev/null
    apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/etc/sources.list"
              -o "Dir::Etc::sourceparts=$apt_dir/etc/sources.list.d"
              -o "Dir::Etc::preferencesparts=$apt_dir/etc/preferences.d"
              -o "Dir::State::Lists=$apt_dir/lists"
              -o "Dir::State::status=/dev/null"
              -o "Dir::Cache=$apt_dir"
              -o "Dir::Cache::archives=$apt_dir/archives"
              -o "APT::Architecture=amd64" -o "APT::Get::AllowUnauthenticated=false"
              -o "Acquire::Languages=none" -o "APT::Sandbox::User=root")
    say "fetching Debian 13's docker-compose .deb (own apt state in $apt_dir)"
    $sudo apt-get "${apt_opts[@]}" update -qq || die "apt-get update for trixie failed"
    (cd "$apt_dir/deb" && $sudo apt-get "${apt_opts[@]}" download docker-compose) \
        || die "apt-get download docker-compose (trixie) failed"
    deb=$(ls -t "$apt_dir"/deb/docker-compose_2.*.deb 2>/dev/null | head -1)
    [ -n "$deb" ] || die "no docker-compose 2.x .deb in $apt_dir/deb (trixie moved on?)"
    x="$apt_dir/x"
    $sudo rm -rf "$x" && $sudo mkdir -p "$x"
    $sudo dpkg-deb -x "$deb" "$x"
    bin=$(find "$x" -type f -name docker-compose -path '*cli-plugins*' | head -1)
    [ -n "$bin" ] || die "$deb holds no cli-plugins/docker-compose"
    $sudo install -D -m 0755 "$bin" "$plugin_dir/docker-compose"
    compose_ok || die "$plugin_dir/docker-compose doesn't run: $("$plugin_dir/docker-compose" version 2>&1 | head -1)"
    say "installed $("$plugin_dir/docker-compose" version --short) from $(basename "$deb")"
fi

# --- cgroup v1 hierarchies --------------------------------------------------------------------
# Every active cgroup v1 hierarchy must be mounted where containerd looks for it. A container that
# runs systemd or its own dockerd with /sys/fs/cgroup mounted read-write (the opt-in server and
# swarm modules, as docs/E2E.md describes) can activate hierarchies the host never mounted
# (net_cls,net_prio, perf_event, hugetlb). New containers are then placed in them, containerd
# can't find their mount ("cannot find cgroup mount destination") and the engine reports no
# statistics at all (`docker stats` 0 B, the Engine API's memory_stats empty), which `selfhost
# status` reads. Mount each missing one under /sys/fs/cgroup, as systemd would on a host.
if [ -r /proc/cgroups ] && grep -q ' /sys/fs/cgroup/memory ' /proc/self/mountinfo; then
    awk 'NR > 1 && $2 != 0 && $4 == 1 { print $2, $1 }' /proc/cgroups | sort -n \
        | awk '{ if (seen[$1]++) h[$1] = h[$1] "," $2; else h[$1] = $2 } END { for (k in h) print h[k] }' \
        | while read -r names; do
            # Mounted already (under its own name or a link to it)?
            # mountinfo: "... - cgroup cgroup rw,net_cls,net_prio": the super options name the controllers.
            if sed -n 's/.* - cgroup [^ ]* //p' /proc/self/mountinfo | tr '\n' ' ' | sed 's/^/ /' | grep -q "[ ,]$names[, ]"; then continue; fi
            say "mounting the cgroup v1 hierarchy $names (activated by a nested container; the engine's statistics need it)"
            $sudo mkdir -p "/sys/fs/cgroup/$names" 2>/dev/null || true
            $sudo mount -t cgroup -o "$names" cgroup "/sys/fs/cgroup/$names" || say "could not mount $names: container statistics may be missing"
        done
fi

# --- dockerd -----------------------------------------------------------------------------------
if ! $sudo "$docker" info >/dev/null 2>&1; then
    pgrep -x dockerd >/dev/null && say "a dockerd process exists but doesn't answer yet; waiting" || {
        say "starting dockerd (log: $log_dir/dockerd.log)"
        # setsid: the daemon outlives this script and the test run (it is machine state, like a
        # service); its log is its own.
        # Stock address pools, as on a user's server: render gives every network of a box a fixed
        # subnet of its own (10.231-233.N.0/24), so a box of every app doesn't exhaust Docker's
        # ~31 default networks. Every descriptor past stderr is closed: the daemon must not keep a
        # caller's lock (the e2e port lock, this script's own) open for ever.
        # A docker0 bridge left with an address in the boxes' own ranges (10.231-233.0.0/16, by an
        # engine once started with another address pool) would make every box network overlap:
        # the bridge and the daemon's stored network table (which keeps that subnet) are removed,
        # and the daemon recreates the bridge from its stock pool.
        if ip -4 addr show docker0 2>/dev/null | grep -Eq 'inet 10\.23[123]\.'; then
            say "removing docker0 and the stored network table: the bridge's address is in the boxes' subnets"
            $sudo ip link delete docker0 || true
            $sudo rm -f /var/lib/docker/network/files/local-kv.db
        fi
        $sudo setsid "$(command -v dockerd || echo /usr/sbin/dockerd)" \
            >>"$log_dir/dockerd.log" 2>&1 < /dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
    }
    for _ in $(seq 1 60); do
        $sudo "$docker" info >/dev/null 2>&1 && break
        sleep 1
    done
    $sudo "$docker" info >/dev/null 2>&1 || {
        tail -20 "$log_dir/dockerd.log" >&2 || true
        die "dockerd didn't answer on /var/run/docker.sock within 60 s (log: $log_dir/dockerd.log)"
    }
fi

# --- the CLIs: talk to this engine, find the plugin --------------------------------------------
server=$($sudo "$docker" version -f '{{.Server.Version}}')
for cli in "$docker" "$(command -v docker)"; do
    [ -x "$cli" ] || continue
    v=$($sudo "$cli" compose version --short 2>/dev/null) \
        || die "'$cli compose' doesn't find $plugin_dir/docker-compose"
    api=$($sudo "$cli" version -f '{{.Client.APIVersion}}' 2>/dev/null) \
        || die "'$cli version' can't talk to Engine $server"
    say "$cli (API $api) + compose $v → Engine $server"
done
