#!/usr/bin/python3
"""Builds the e2e suite's stand-in images, tagged with every image reference the rendered boxes use.

Run through scripts/e2e/images.sh. Steps:
1. local/debian:bookworm from `debootstrap --variant=minbase bookworm` (rootfs tarball cached in
   $E2E_CACHE), `docker import`ed;
2. every renderable app (`selfhost catalog list --format json`) rendered into one scratch box; every
   image reference read with `docker compose config --format json` (plus Caddy's compose file and
   the helper image the rendered backup.sh and README run);
3. each reference mapped to a stand-in: a Debian package (postgres, mariadb/mysql, redis/valkey,
   memcached, rabbitmq, caddy, alpine) or the generic stand-in with a spec from e2e/standins/.
   A reference with none fails the build, loudly;
4. each image built only when no image with its tag carries the label holding the hash of its build
   context (so a second run on the same engine is fast), then tagged with its references.

Writes $E2E_OUT/images.json (reference → stand-in, what differs) for the suite and the docs.
"""
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMAGES = os.path.join(ROOT, "e2e", "images")
SPECS = os.path.join(ROOT, "e2e", "standins")
DOCKER = os.environ.get("E2E_DOCKER", "/usr/bin/docker")
CACHE = os.environ.get("E2E_CACHE", "/var/cache/selfhost-e2e")
LABEL = "org.selfhost.e2e.hash"
BASE = "local/debian:bookworm"

ENV = dict(os.environ, DOCKER_BUILDKIT="0")


def say(msg):
    print(f"e2e images: {msg}", file=sys.stderr, flush=True)


def die(msg):
    print(f"e2e images: error: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def run(args, **kw):
    return subprocess.run(args, check=True, env=ENV, **kw)


def out(args, **kw):
    return subprocess.run(args, check=True, env=ENV, capture_output=True, text=True, **kw).stdout


def image_label(ref):
    p = subprocess.run([DOCKER, "image", "inspect", "-f", "{{index .Config.Labels \"%s\"}}" % LABEL, ref],
                       capture_output=True, text=True, env=ENV)
    return p.stdout.strip() if p.returncode == 0 else None


def image_id(ref):
    return out([DOCKER, "image", "inspect", "-f", "{{.Id}}", ref]).strip()


def hash_dir(path, extra=""):
    h = hashlib.sha256(extra.encode())
    for dirpath, dirnames, filenames in sorted(os.walk(path)):
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            h.update(os.path.relpath(full, path).encode() + b"\0")
            h.update(oct(os.stat(full).st_mode & 0o111).encode())
            with open(full, "rb") as f:
                h.update(f.read())
    return h.hexdigest()[:16]


# --- 1. base ----------------------------------------------------------------------------------

def build_base():
    tarball = os.path.join(CACHE, "bookworm-minbase.tar")
    if not os.path.exists(tarball):
        say("debootstrap --variant=minbase bookworm (cached afterwards in %s)" % tarball)
        tmp = tempfile.mkdtemp(prefix="rootfs.", dir=CACHE)
        try:
            run(["debootstrap", "--variant=minbase", "bookworm", tmp, "http://deb.debian.org/debian"],
                stdout=subprocess.DEVNULL)
            # No apt caches or lists in the base; builds run apt-get update themselves.
            for d in ("var/cache/apt/archives", "var/lib/apt/lists"):
                for entry in os.listdir(os.path.join(tmp, d)):
                    p = os.path.join(tmp, d, entry)
                    if os.path.isfile(p):
                        os.remove(p)
            run(["tar", "-C", tmp, "-cf", tarball + ".tmp", "."])
            os.replace(tarball + ".tmp", tarball)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    st = os.stat(tarball)
    want = hashlib.sha256(f"{st.st_size}:{int(st.st_mtime)}".encode()).hexdigest()[:16]
    if image_label(BASE) == want:
        return image_id(BASE)
    say(f"docker import {tarball} as {BASE}")
    with open(tarball, "rb") as f:
        run([DOCKER, "import", "-c", f"LABEL {LABEL}={want}", "-c", 'CMD ["/bin/bash"]', "-", BASE],
            stdin=f, stdout=subprocess.DEVNULL)
    return image_id(BASE)


# --- 2. references ----------------------------------------------------------------------------

def render_all(selfhost, box):
    apps = json.loads(out([selfhost, "catalog", "list", "--format", "json"]))
    if isinstance(apps, dict):
        apps = apps.get("apps", apps.get("items", []))
    ids = sorted(a["id"] for a in apps if a.get("renderable", a.get("install", {}).get("renderable")))
    if not ids:
        die("`selfhost catalog list --format json` lists no renderable app")
    # With --smtp: some apps render services only then (listmonk's install and smtp-init one-shots),
    # and their images' stand-ins must know those services. The credentials are dummies.
    subprocess.run([selfhost, "render", *ids, "--domain", "e2e.test", "--out", box, "--docker", DOCKER,
                    "--backup-dir", os.path.join(box, "backups"), "--smtp", "brevo"], stdout=subprocess.DEVNULL,
                   check=True, env=dict(ENV, SELFHOST_SMTP_USERNAME="standin@e2e.test", SELFHOST_SMTP_PASSWORD="standin"))
    return ids


def compose_services(directory):
    text = out([DOCKER, "compose", "--project-directory", directory, "config", "--format", "json"], cwd=directory)
    return json.loads(text).get("services", {})


def helper_images(box):
    """The small image(s) the rendered backup.sh and README run (`docker run ... IMAGE`)."""
    refs = set()
    pattern = re.compile(r"docker\S*\s+run\b[^\n]*?\s((?:[a-z0-9.-]+/)*[a-z0-9._-]+:[A-Za-z0-9._-]+)")
    for dirpath, _, filenames in os.walk(box):
        for name in filenames:
            if name in ("backup.sh", "README.md"):
                with open(os.path.join(dirpath, name)) as f:
                    for m in pattern.finditer(f.read()):
                        refs.add(m.group(1))
    return refs


def collect(box, ids):
    refs = {}  # ref -> list of (app, service, command, entrypoint)
    for app in ids + ["caddy"]:
        d = os.path.join(box, app)
        for svc, conf in compose_services(d).items():
            ref = conf.get("image")
            if not ref:
                die(f"{app}/compose.yaml service {svc} has no image")
            refs.setdefault(ref, []).append({"app": app, "service": svc,
                                             "command": conf.get("command"), "entrypoint": conf.get("entrypoint")})
    for ref in helper_images(box):
        refs.setdefault(ref, []).append({"app": "(backup/restore helper)", "service": None})
    return refs


# --- 3. mapping -------------------------------------------------------------------------------

def repo_of(ref):
    name = ref.rsplit("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    return name


def tag_of(ref):
    last = ref.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else "latest"


PG_DEBIAN = {15: ("bookworm", 15), 17: ("trixie", 17)}


def package_standin(ref):
    """(kind, build args, note) for references a Debian package stands in for, else None."""
    repo, tag = repo_of(ref), tag_of(ref)
    base = repo.split("/")[-1]
    alpine = "alpine" in tag
    if repo in ("postgres", "library/postgres", "pgvector/pgvector", "zulip/zulip-postgresql") or base == "postgres":
        m = re.search(r"(?:^|pg)(\d+)", tag)
        if not m:
            die(f"{ref}: can't tell the PostgreSQL major from the tag")
        major = int(m.group(1))
        suite, debian_major = PG_DEBIAN.get(major, ("trixie", 17))
        note = "" if major == debian_major else f"PostgreSQL {debian_major} from Debian stands in for {major}"
        extra = ""
        if repo == "pgvector/pgvector":
            extra = f"postgresql-{debian_major}-pgvector"  # Debian's pgvector (0.8.0 in trixie)
            note = (note + "; " if note else "") + "pgvector from Debian's " + extra
        if repo == "zulip/zulip-postgresql":
            note = (note + "; " if note else "") + "plain PostgreSQL: no hunspell dictionaries / zulip text-search config"
        args = {"TAG_MAJOR": str(major), "MAJOR": str(debian_major), "SUITE": suite, "UID": "70" if alpine else "999", "ALPINE": "1" if alpine else "0",
                "PGDATA": f"/var/lib/postgresql/{major}/docker" if major >= 18 else "/var/lib/postgresql/data",
                "PGVOLUME": "/var/lib/postgresql" if major >= 18 else "/var/lib/postgresql/data"}
        if extra:
            args["EXTRA"] = extra
        return "postgres", args, note
    if base in ("mariadb", "mysql"):
        return "mariadb", {}, "MariaDB 10.11 (Debian 12)" + ("" if base == "mariadb" else " stands in for MySQL")
    if base in ("redis", "valkey"):
        return "redis", {"ALPINE": "1" if alpine else "0"}, "Redis 7.0 (Debian 12)" + (" stands in for Valkey" if base == "valkey" else "")
    if base == "memcached":
        return "memcached", {"ALPINE": "1" if alpine else "0"}, "memcached 1.6 (Debian 12)"
    if base == "rabbitmq":
        return "rabbitmq", {}, "RabbitMQ 3.10 (Debian 12) stands in for %s" % tag
    if base == "caddy":
        return "caddy", {"ALPINE": "1" if alpine else "0"}, "Caddy 2.6.2 (Debian 12) stands in for %s" % tag
    if repo in ("alpine", "busybox"):
        return "small", {}, "Debian busybox (sh, tar, gzip) stands in for %s" % ref
    return None


def spec_for(ref, uses):
    image_spec = os.path.join(SPECS, "images", repo_of(ref).split("/")[-1] + ".yaml")
    if os.path.exists(image_spec):
        return os.path.relpath(image_spec, SPECS)
    apps = sorted({u["app"] for u in uses})
    if len(apps) != 1:
        die(f"{ref} is used by {apps}: give it a spec under e2e/standins/images/")
    app_spec = os.path.join(SPECS, "apps", apps[0] + ".yaml")
    if os.path.exists(app_spec):
        return os.path.relpath(app_spec, SPECS)
    return None


# --- 4. builds --------------------------------------------------------------------------------

def docker_build(context, tag, args, label):
    cmd = [DOCKER, "build", "-q", "--label", f"{LABEL}={label}", "-t", tag]
    if os.environ.get("E2E_NO_CACHE") == "1":  # measuring a cold build: no layer cache either
        cmd.append("--no-cache")
    for k, v in sorted(args.items()):
        cmd += ["--build-arg", f"{k}={v}"]
    cmd.append(context)
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    if p.returncode != 0:
        die(f"docker build {tag} failed:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")
    return time.monotonic() - t0


def ensure(tag, context, args, base_id, extra=""):
    want = hash_dir(context, json.dumps(args, sort_keys=True) + base_id + extra)
    if image_label(tag) == want and os.environ.get("E2E_NO_CACHE") != "1":
        return tag, 0.0, False
    return tag, docker_build(context, tag, args, want), True


def main():
    if len(sys.argv) != 2:
        die("usage: build.py SELFHOST_BINARY")
    selfhost = os.path.abspath(sys.argv[1])
    out_dir = os.environ.get("E2E_OUT", os.path.join(ROOT, ".build", "e2e"))
    os.makedirs(out_dir, exist_ok=True)
    t_start = time.monotonic()
    base_id = build_base()

    with tempfile.TemporaryDirectory(prefix="selfhost-e2e-images.") as box:
        ids = render_all(selfhost, box)
        refs = collect(box, ids)

    plan, missing = {}, []
    for ref, uses in sorted(refs.items()):
        ps = package_standin(ref)
        if ps:
            kind, args, note = ps
            plan[ref] = {"standin": kind, "args": args, "note": note, "uses": uses}
            continue
        spec = spec_for(ref, uses)
        if spec is None:
            missing.append(f"{ref} (used by {', '.join(sorted({u['app'] + '/' + str(u['service']) for u in uses}))})")
            continue
        plan[ref] = {"standin": "standin", "spec": spec, "uses": uses, "note": "generic stand-in, spec " + spec}

    allow_missing = os.environ.get("E2E_ALLOW_MISSING_SPECS") == "1"
    if missing and not allow_missing:
        die("no stand-in for these image references (add e2e/standins/apps/<app>.yaml or images/<name>.yaml):\n  "
            + "\n  ".join(missing))
    for m in missing:
        say(f"WARNING no stand-in (E2E_ALLOW_MISSING_SPECS=1): {m}")

    # Package images: one build per (kind, args); generic stand-in base once.
    builds = {}
    for ref, p in plan.items():
        if p["standin"] == "standin":
            continue
        key = p["standin"] + ("-" + hashlib.sha256(json.dumps(p["args"], sort_keys=True).encode()).hexdigest()[:8]
                              if p["args"] else "")
        builds.setdefault(key, (p["standin"], p["args"]))
        p["image"] = "local/standin-" + key
    standin_ctx = tempfile.mkdtemp(prefix="standin-ctx.")
    try:
        shutil.copy(os.path.join(IMAGES, "standin", "Dockerfile"), standin_ctx)
        shutil.copy(os.path.join(IMAGES, "standin", "standin.py"), standin_ctx)
        shutil.copytree(SPECS, os.path.join(standin_ctx, "specs"))
        results = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=int(os.environ.get("E2E_BUILD_JOBS", "4"))) as pool:
            futs = {pool.submit(ensure, "local/standin-" + key, os.path.join(IMAGES, kind), args, base_id): key
                    for key, (kind, args) in builds.items()}
            futs[pool.submit(ensure, "local/standin-app", standin_ctx, {}, base_id)] = "app"
            for f in concurrent.futures.as_completed(futs):
                tag, secs, built = f.result()
                results[tag] = secs
                say(f"{tag}: {'built in %.0f s' % secs if built else 'cached'}")
        app_id = image_id("local/standin-app")

        # Thin per-reference layers for the generic stand-in.
        def thin(ref, p):
            ctx = tempfile.mkdtemp(prefix="standin-ref.")
            try:
                services = sorted({u["service"] for u in p["uses"] if u["service"]})
                lines = ["FROM local/standin-app",
                         f"ENV STANDIN_SPEC={p['spec']} STANDIN_SERVICES={','.join(services)} STANDIN_IMAGE={ref}"]
                # A compose `entrypoint:` replaces the stand-in's: put a shim at that path that
                # runs the stand-in with the entrypoint's name first, so match_command sees it.
                eps = sorted({(u["entrypoint"] or [None])[0] for u in p["uses"] if u.get("entrypoint")} - {None})
                for i, ep in enumerate(eps):
                    with open(os.path.join(ctx, f"ep{i}"), "w") as f:
                        f.write(f'#!/bin/sh\nexec /usr/bin/python3 /standin/standin.py {ep} "$@"\n')
                    os.chmod(os.path.join(ctx, f"ep{i}"), 0o755)
                    dest = ep if ep.startswith("/") else "/standin/work/" + ep
                    lines.append(f"COPY ep{i} {dest}")
                with open(os.path.join(ctx, "Dockerfile"), "w") as f:
                    f.write("\n".join(lines) + "\n")
                p["image"] = ref
                return ensure(ref, ctx, {}, app_id, extra=p["spec"])
            finally:
                shutil.rmtree(ctx, ignore_errors=True)

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            futs = [pool.submit(thin, ref, p) for ref, p in plan.items() if p["standin"] == "standin"]
            for f in concurrent.futures.as_completed(futs):
                tag, secs, built = f.result()
                if built:
                    say(f"{tag}: built in {secs:.0f} s")
    finally:
        shutil.rmtree(standin_ctx, ignore_errors=True)

    for ref, p in plan.items():
        if p["standin"] != "standin":
            run([DOCKER, "tag", p["image"], ref])
    with open(os.path.join(out_dir, "images.json"), "w") as f:
        json.dump({"apps": ids, "missing": missing,
                   "references": {r: {k: v for k, v in p.items() if k != "uses"} | {"used_by": sorted({u["app"] for u in p["uses"]})}
                                  for r, p in plan.items()}}, f, indent=2)
    say(f"{len(plan)} image references ready in {time.monotonic() - t_start:.0f} s "
        f"(list: {os.path.join(out_dir, 'images.json')})")


if __name__ == "__main__":
    main()
