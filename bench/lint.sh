#!/usr/bin/env bash
# Benchmark: `selfhost lint` (release build) on a generated compose file with 500 services,
# against `docker-compose config` (Debian's docker-compose 1.29) on the same file, in the same run.
# Needs: swift, hyperfine, docker-compose (apt-get install -y hyperfine docker-compose).
# Usage: bench/lint.sh [SERVICES]   (default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
services="${1:-500}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for tool in hyperfine docker-compose; do
  command -v "$tool" >/dev/null || { echo "bench/lint.sh: $tool is not installed (apt-get install -y $tool)" >&2; exit 2; }
done

source "$(dirname "$0")/common.sh"   # the release build every bench uses (static Swift runtime)
build_release
bin="$SELFHOST"

# Production-shaped services: pinned images, healthchecks, limits, log rotation, loopback ports,
# interpolation from the neighbouring .env, networks and depends_on chains.
{
  echo 'x-defaults: &defaults'
  echo '  restart: unless-stopped'
  echo '  security_opt: ["no-new-privileges:true"]'
  echo '  logging: {driver: json-file, options: {max-size: 10m, max-file: "3"}}'
  echo 'services:'
  for i in $(seq 1 "$services"); do
    cat <<YAML
  svc$i:
    <<: *defaults
    image: ghcr.io/example/app$i:1.$i.0
    mem_limit: 256m
    environment:
      DATABASE_URL: postgres://app:\${DB_PASSWORD}@db$i:5432/app
      MODE: \${MODE:-production}
    ports: ["127.0.0.1:$((20000 + i)):8080"]
    expose: ["8080"]
    networks: [net$((i % 10))]
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/health"]
      interval: 30s
YAML
    if [ "$i" -gt 1 ]; then echo "    depends_on: [svc$((i - 1))]"; fi
  done
  echo 'networks:'
  for n in $(seq 0 9); do echo "  net$n:"; done
} > "$work/docker-compose.yml"
printf 'DB_PASSWORD=benchmark-secret\n' > "$work/.env"
chmod 600 "$work/.env"

echo "compose file: $services services, $(wc -c < "$work/docker-compose.yml") bytes"
# Both must accept the file, or the comparison means nothing.
"$bin" lint "$work/docker-compose.yml"
(cd "$work" && docker-compose -f docker-compose.yml config -q)

hyperfine --warmup 2 --runs "${RUNS:-10}" --export-json "$work/result.json" \
  -n "selfhost lint" "$bin lint $work/docker-compose.yml" \
  -n "docker-compose config" "cd $work && docker-compose -f docker-compose.yml config -q"

python3 - "$work/result.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ours, theirs = r["selfhost lint"]["mean"], r["docker-compose config"]["mean"]
print(f"selfhost lint:         {ours * 1000:8.1f} ms (mean)")
print(f"docker-compose config: {theirs * 1000:8.1f} ms (mean)")
print(f"ratio: selfhost lint takes {ours / theirs:.3f}x the time of docker-compose config ({theirs / ours:.1f}x faster)")
PY
