"""`selfhost render --target swarm` on a real three-node Docker Swarm (docker-in-docker on this machine).

Three Docker Engines run as containers (e2e/images/swarm-node: Debian 12's docker.io, built FROM
local/debian:bookworm and cached by the hash of its build context, as scripts/e2e/images.sh does) on
one user network in 10.250.0.0/24 (E2E_SWARM_SUBNET). The flags are the ones that work in this
sandbox (docs/E2E.md): --privileged is refused (no CAP_SYS_RESOURCE in the bounding set), so every
other capability, no seccomp/AppArmor, the cgroup hierarchy mounted read-write, and each engine's
/var/lib/docker on a volume (overlay2 works there, as it can't on the container's own overlay root).

The swarm: three managers (a quorum that survives one node down); n1 is the edge (Caddy), n2 the
data node of both apps, n3 unlabelled. Each node gets only the images of the services its labels
let it run (`docker save … | docker exec -i NODE docker load`, streamed, the three at once). The box (umami + listmonk) is rendered with
--target swarm and deployed with its own swarm/deploy.sh, run on n1.

Checked: every service converges (tasks running and healthy where they have a healthcheck) with
the placement the labels ask for; Caddy answers each host over HTTPS (local_certs) at n1's address;
draining the node of one of umami's two web tasks moves it and umami keeps answering, counted; a
rolling update (start-first) of umami's web service with requests counted throughout; listmonk's
database keeps its rows across `docker stack rm` + deploy (its volume stays on the data node); the
app's backup.sh dumps the database on the data node (SWARM_STACK) as its swarm unit runs it.

What this machine can't prove: encrypted overlays. Its kernel is built without ESP and AES-GCM
(CONFIG_INET_ESP, CONFIG_CRYPTO_GCM not set; /proc/config.gz), so the IPsec transform Docker
programs for `encrypted` overlays ("rfc4106(gcm(aes))") is refused and traffic between nodes on such
a network never arrives. The probe below tries the same xfrm state in a throwaway network
namespace; when it is refused, the test deploys the rendered stacks with `encrypted` taken out
(recorded in the figures as a deviation) and everything else unchanged. Nor can it prove Caddy's
ACME issuance (offline: local_certs), nor the real apps (stand-ins, docs/RENDER.md).
"""
import concurrent.futures
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
import time

import pytest

from conftest import CI, DOCKER, ROOT, _run

PREFIX = os.environ.get("E2E_SWARM_PREFIX", "sh-swarm-e2e")
SUBNET = os.environ.get("E2E_SWARM_SUBNET", "10.250.0.0/24")
NODE_IMAGE_DIR = os.path.join(ROOT, "e2e", "images", "swarm-node")
LABEL = "org.selfhost.e2e.hash"
IMAGES_LOCK = os.environ.get("E2E_IMAGES_LOCK", "/run/lock/selfhost-e2e-images.lock")
DOMAIN = "e2e.test"
APPS = ["umami", "listmonk"]
NODE_FLAGS = ["--cap-add=ALL", "--cap-drop=SYS_RESOURCE", "--security-opt", "seccomp=unconfined",
              "--security-opt", "apparmor=unconfined", "--security-opt", "systempaths=unconfined",
              "--device-cgroup-rule=a *:* rwm", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw"]


def node_ip(i):
    base = SUBNET.split("/")[0].rsplit(".", 1)[0]
    return f"{base}.{10 + i}"


def docker(*args, **kw):
    return _run([DOCKER, *args], **kw)


def node(i, *args, **kw):
    return _run([DOCKER, "exec", f"{PREFIX}-n{i}", "docker", *args], **kw)


def node_image():
    """The node image, built only when no image carries the hash of its build context and base."""
    base = docker("image", "inspect", "-f", "{{.Id}}", "local/debian:bookworm", check=False)
    if base.returncode != 0:
        pytest.fail("local/debian:bookworm is missing: run scripts/e2e/images.sh")
    h = hashlib.sha256(base.stdout.strip().encode())
    for name in sorted(os.listdir(NODE_IMAGE_DIR)):
        with open(os.path.join(NODE_IMAGE_DIR, name), "rb") as f:
            h.update(name.encode() + b"\0" + f.read())
    digest = h.hexdigest()[:16]
    tag = f"local/selfhost-swarm-node:{digest}"
    have = docker("image", "inspect", "-f", "{{index .Config.Labels \"%s\"}}" % LABEL, tag, check=False)
    if have.returncode != 0 or have.stdout.strip() != digest:
        docker("build", "-q", "--label", f"{LABEL}={digest}", "-t", tag, NODE_IMAGE_DIR, timeout=1200,
               env=dict(os.environ, DOCKER_BUILDKIT="0"))
    return tag


def esp_gcm_available():
    """Whether this kernel accepts the IPsec state Docker's encrypted overlays program."""
    p = subprocess.run(["unshare", "-n", "ip", "xfrm", "state", "add", "src", "10.250.255.1", "dst", "10.250.255.2",
                        "proto", "esp", "spi", "0x100", "mode", "transport", "aead", "rfc4106(gcm(aes))",
                        "0x" + "01" * 20, "64"], capture_output=True, text=True)
    return p.returncode == 0, (p.stderr or p.stdout).strip()


class Swarm:
    def __init__(self, box_dir, figures):
        self.box = box_dir
        self.figures = figures
        self.sockets = figures["sockets"]

    def services(self):
        out = node(1, "service", "ls", "--format", "{{.Name}} {{.Replicas}} {{.Mode}}").stdout
        return {l.split()[0]: (l.split()[1], l.split()[2]) for l in out.splitlines() if l.strip()}

    def tasks(self, service):
        """Tasks of a service meant to run: [(node, task id)]."""
        out = node(1, "service", "ps", service, "--filter", "desired-state=running",
                   "--format", "{{.Node}} {{.ID}}", check=False).stdout
        return [tuple(l.split()[:2]) for l in out.splitlines() if l.strip()]

    def converged(self):
        svcs = self.services()
        if not svcs:
            return False, "no services"
        bad = []
        for name, (replicas, _mode) in svcs.items():
            running, _, wanted = replicas.partition("/")
            wanted = wanted.split()[0] if wanted else "0"
            if running != wanted or wanted == "0":
                bad.append(f"{name} {replicas}")
        for i in (1, 2, 3):
            out = node(i, "ps", "--format", "{{.Names}} {{.Status}}", check=False).stdout
            bad += [f"n{i}: {l}" for l in out.splitlines() if "health: starting" in l or "unhealthy" in l]
        return not bad, "; ".join(bad)

    def wait_converged(self, timeout=600):
        start = time.monotonic()
        why = ""
        while time.monotonic() - start < timeout:
            ok, why = self.converged()
            if ok:
                return time.monotonic() - start
            time.sleep(3)
        logs = []
        for name in self.services():
            p = node(1, "service", "ps", "--no-trunc", name, check=False)
            logs.append(p.stdout[-1500:])
        raise AssertionError(f"swarm not converged within {timeout} s: {why}\n" + "\n".join(logs))

    def gate_auth(self, app):
        pw = os.path.join(self.box, app, "gate-password")
        if os.path.exists(pw):
            with open(pw) as f:
                return ["-u", "owner:" + f.read().strip()]
        return []

    def https(self, app, timeout=10, detail=False):
        host = f"{app}.{DOMAIN}"
        p = subprocess.run(["curl", "-sSk", "-w", "\\n%{http_code}", "--max-time", str(timeout),
                            *self.gate_auth(app), "--resolve", f"{host}:443:{node_ip(1)}", f"https://{host}/"],
                           capture_output=True, text=True, timeout=timeout + 5)
        body, _, code = p.stdout.rpartition("\n")
        code = int(code) if code.isdigit() else 0
        return (code, (p.stderr.strip() or body.strip())[:160]) if detail else code


class Counter:
    """Requests to one host, one after another, until stopped: how many, how many failed."""

    def __init__(self, swarm, app):
        self.swarm, self.app = swarm, app
        self.total = self.failed = 0
        self.failures = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        start = time.monotonic()
        while not self.stop.is_set():
            code, detail = self.swarm.https(self.app, timeout=15, detail=True)
            self.total += 1
            if code != 200:
                self.failed += 1
                self.failures.append((round(time.monotonic() - start, 1), code, detail))
            time.sleep(0.1)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(30)


@pytest.fixture(scope="module")
def swarm(selfhost, engine, tmp_path_factory, out_dir):
    figures = {"deviations": []}
    image = node_image()
    box = str(tmp_path_factory.mktemp("swarm") / "box")
    created = []

    def cleanup():
        for i in (1, 2, 3):
            docker("rm", "-f", "-v", f"{PREFIX}-n{i}", check=False)
            docker("volume", "rm", f"{PREFIX}-n{i}-docker", check=False)
        docker("network", "rm", f"{PREFIX}-net", check=False)

    cleanup()
    try:
        # 1. The box, rendered for a swarm, living at /box on the nodes.
        p = _run([selfhost, "render", *APPS, "--target", "swarm", "--domain", DOMAIN, "--email", f"e2e@{DOMAIN}",
                  "--out", box, "--install-dir", "/box", "--backup-dir", "/box-backups", "--format", "json"], check=False)
        assert p.returncode == 0, p.stdout + p.stderr
        swarm_dir = os.path.join(box, "swarm")
        with open(os.path.join(swarm_dir, "Caddyfile")) as f:
            text = f.read()
        # Test only: Caddy's own CA instead of ACME (offline), as e2e/conftest.py does for the single box.
        text = text.replace("{\n\temail", "{\n\tlocal_certs\n\temail", 1)
        with open(os.path.join(swarm_dir, "Caddyfile"), "w") as f:
            f.write(text)
        ok, why = esp_gcm_available()
        figures["encrypted_overlay"] = ok
        if not ok:
            figures["deviations"].append(
                f"encrypted overlays taken out (this kernel refuses the ESP/AES-GCM state Docker needs: {why})")
            for name in os.listdir(swarm_dir):
                if name.endswith(".stack.yaml") or name == "deploy.sh":
                    path = os.path.join(swarm_dir, name)
                    with open(path) as f:
                        t = f.read()
                    t = re.sub(r"\n    driver_opts:\n      encrypted: \"true\"", "", t).replace(" --opt encrypted", "")
                    with open(path, "w") as f:
                        f.write(t)

        # 2. Three engines on one network; each also answers on a socket this machine sees (selfhost status).
        sockets = str(tmp_path_factory.mktemp("swarm-sockets"))
        for i in (1, 2, 3):
            os.makedirs(f"{sockets}/n{i}")
        figures["sockets"] = sockets
        docker("network", "create", "--subnet", SUBNET, f"{PREFIX}-net")
        for i in (1, 2, 3):
            docker("run", "-d", "--name", f"{PREFIX}-n{i}", "--hostname", f"{PREFIX}-n{i}", *NODE_FLAGS,
                   "-v", f"{PREFIX}-n{i}-docker:/var/lib/docker", "--network", f"{PREFIX}-net", "--ip", node_ip(i),
                   "-v", f"{sockets}/n{i}:/run/selfhost-e2e",
                   image, "dockerd", "--host=unix:///var/run/docker.sock", "--host=unix:///run/selfhost-e2e/docker.sock",
                   "--storage-driver=overlay2")
        def engine_up(i):
            try:
                return node(i, "info", check=False, timeout=30).returncode == 0
            except subprocess.TimeoutExpired:
                return False

        for i in (1, 2, 3):
            deadline = time.monotonic() + 180
            while not engine_up(i):
                assert time.monotonic() < deadline, f"the engine in {PREFIX}-n{i} did not start"
                time.sleep(1)

        # 3. The swarm: three managers, labels.
        node(1, "swarm", "init", "--advertise-addr", node_ip(1))
        token = node(1, "swarm", "join-token", "-q", "manager").stdout.strip()
        for i in (2, 3):
            p = node(i, "swarm", "join", "--token", token, f"{node_ip(1)}:2377", check=False)
            if p.returncode != 0:
                # Under load the join can outlast the CLI's wait ("Timeout was reached before node
                # joined. The attempt to join the swarm will continue in the background"): wait for it.
                assert "continue in the background" in p.stderr, f"swarm join on n{i}: {p.stdout}{p.stderr}"
                deadline = time.monotonic() + 300
                while node(i, "info", "-f", "{{.Swarm.LocalNodeState}}", check=False).stdout.strip() != "active":
                    assert time.monotonic() < deadline, f"n{i} did not join the swarm within 300 s after: {p.stderr}"
                    time.sleep(3)
                figures.setdefault("notes", []).append(f"n{i}'s swarm join outlasted the CLI's wait; it completed in the background")
        node(1, "node", "update", "--label-add", "selfhost.edge=true", f"{PREFIX}-n1")
        for app in APPS:
            node(1, "node", "update", "--label-add", f"selfhost.data.{app}=true", f"{PREFIX}-n2")

        # 4. The images the stacks use (and the backup helper), each into the nodes that can run it:
        # a service pinned to the edge label runs on n1 only, one pinned to a data label (and the
        # backup helper, which backup.sh runs on the data node) on n2 only, anything else anywhere.
        # Loading every image into every node wrote 3 x 1.7 GB (739 s on this machine under load);
        # by placement it is about 2.3 GB in all.
        import yaml
        wanted = {1: set(), 2: set(), 3: set()}
        for name in os.listdir(swarm_dir):
            if name.endswith(".stack.yaml"):
                with open(os.path.join(swarm_dir, name)) as f:
                    stack = yaml.safe_load(f)
                for svc in (stack.get("services") or {}).values():
                    constraints = " ".join(((svc.get("deploy") or {}).get("placement") or {}).get("constraints") or [])
                    nodes = (1,) if "selfhost.edge" in constraints else (2,) if "selfhost.data." in constraints else (1, 2, 3)
                    for i in nodes:
                        wanted[i].add(svc["image"])
        wanted[2].add(_backup_image(box))
        images = set().union(*wanted.values())
        t0 = time.monotonic()

        # Under the images lock: scripts/e2e/images.sh run from another tree retags these references.
        # Each node's images are streamed from `docker save` into the node's `docker load` (no archive
        # on disk; layers shared between a node's images are sent once), the three nodes at once.
        lock = os.open(IMAGES_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            def reads_file_variables(ref):
                p = docker("run", "--rm", "--entrypoint", "grep", ref, "-c", "_FILE", "/usr/local/bin/docker-entrypoint.sh", check=False)
                return p.stdout.strip() not in ("", "0")

            postgres = [ref for ref in sorted(images) if ref.startswith("postgres:")]
            if not all(map(reads_file_variables, postgres)):
                # Tagged by another tree's images.sh: this tree's stand-ins again (cached, so quick).
                _run([os.path.join(ROOT, "scripts", "e2e", "images.sh")], env=dict(os.environ, SELFHOST=selfhost), timeout=1800)
            for ref in postgres:
                assert reads_file_variables(ref), f"the {ref} stand-in reads no POSTGRES_PASSWORD_FILE (e2e/images/postgres)"

            def load(i):
                t = time.monotonic()
                p = subprocess.run(["bash", "-o", "pipefail", "-c",
                                    f"{DOCKER} save {' '.join(sorted(wanted[i]))} | {DOCKER} exec -i {PREFIX}-n{i} docker load -q"],
                                   capture_output=True, text=True, timeout=1800)
                assert p.returncode == 0, f"save | load into n{i}: {p.stderr}"
                return i, round(time.monotonic() - t, 1)

            with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
                figures["image_load_by_node_s"] = {f"n{i}": s for i, s in pool.map(load, (1, 2, 3))}
        finally:
            os.close(lock)
        figures["images_by_node"] = {f"n{i}": sorted(v) for i, v in wanted.items()}
        figures["images"] = sorted(images)
        figures["image_load_s"] = round(time.monotonic() - t0, 1)

        # 5. The box on the nodes (n1 deploys; n2 backs up), then swarm/deploy.sh.
        for i in (1, 2):
            _run(["sh", "-c", f"tar -C {box} -cf - . | {DOCKER} exec -i {PREFIX}-n{i} sh -c 'mkdir -p /box && tar -C /box -xf -'"])
        s = Swarm(box, figures)
        t0 = time.monotonic()
        node_sh(1, "STACK_DEPLOY_ARGS='--resolve-image never' /box/swarm/deploy.sh", timeout=300)
        s.wait_converged()
        figures["converged_s"] = round(time.monotonic() - t0, 1)
        yield s
    finally:
        with open(os.path.join(out_dir, "swarm.json"), "w") as f:
            json.dump(figures, f, indent=2)
        if os.environ.get("E2E_SWARM_KEEP") != "1":
            cleanup()


def node_sh(i, script, timeout=600):
    return _run([DOCKER, "exec", f"{PREFIX}-n{i}", "sh", "-c", script], timeout=timeout)


def _backup_image(box):
    with open(os.path.join(box, "listmonk", "backup.sh")) as f:
        m = re.search(r"--network none -v \"\$\{PROJECT\}_\w+:/volume:ro\" (\S+)", f.read())
    return m.group(1)


def test_services_converge_where_the_labels_put_them(swarm):
    placed = {}
    for name in swarm.services():
        placed[name] = sorted(n for n, _ in swarm.tasks(name))
    assert placed["selfhost-caddy_caddy"] == [f"{PREFIX}-n1"], placed
    for app in APPS:
        assert placed[f"selfhost-{app}_db"] == [f"{PREFIX}-n2"], placed
    assert placed["selfhost-listmonk_app"] == [f"{PREFIX}-n2"], placed  # it has a volume (uploads)
    web = placed["selfhost-umami_app"]
    assert len(web) == 2 and len(set(web)) == 2, f"umami's two web tasks share a node: {placed}"
    # The database got its password as a Docker secret, not from the environment.
    cid = node(2, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=selfhost-umami_db").stdout.split()[0]
    env = json.loads(node(2, "inspect", cid).stdout)[0]["Config"]["Env"]
    assert "POSTGRES_PASSWORD_FILE=/run/secrets/postgres_password" in env
    assert not any(e.startswith("POSTGRES_PASSWORD=") for e in env)
    swarm.figures["placement"] = placed


def test_caddy_answers_each_host(swarm):
    for app in APPS:
        deadline = time.monotonic() + 60
        code = swarm.https(app)
        while code != 200 and time.monotonic() < deadline:
            time.sleep(2)
            code = swarm.https(app)
        assert code == 200, f"https://{app}.{DOMAIN}/ at {node_ip(1)}: HTTP {code}"


def test_drain_moves_a_stateless_task_and_the_host_keeps_answering(swarm):
    nodes = [n for n, _ in swarm.tasks("selfhost-umami_app")]
    victim = next((n for n in nodes if n not in (f"{PREFIX}-n1", f"{PREFIX}-n2")), None) or \
        next(n for n in nodes if n != f"{PREFIX}-n1")
    with Counter(swarm, "umami") as c:
        time.sleep(2)
        t0 = time.monotonic()
        node(1, "node", "update", "--availability", "drain", victim)
        deadline = time.monotonic() + 180
        while True:
            now = [n for n, _ in swarm.tasks("selfhost-umami_app")]
            ok, _ = swarm.converged()
            if victim not in now and len(now) == 2 and ok:
                break
            assert time.monotonic() < deadline, f"umami's task did not leave {victim}: {now}"
            time.sleep(2)
        moved_s = time.monotonic() - t0
        time.sleep(5)
    node(1, "node", "update", "--availability", "active", victim)
    swarm.figures["drain"] = {"node": victim, "moved_s": round(moved_s, 1), "requests": c.total,
                              "failed": c.failed, "failures": c.failures[:20]}
    assert c.total > 20
    assert c.failed == 0, f"{c.failed} of {c.total} requests failed during the drain: {c.failures[:20]}"


def test_rolling_update_of_a_web_service_fails_no_request(swarm):
    before = {cid for _, cid in swarm.tasks("selfhost-umami_app")}
    with Counter(swarm, "umami") as c:
        time.sleep(2)
        t0 = time.monotonic()
        node(1, "service", "update", "--detach", "--force", "selfhost-umami_app")
        deadline = time.monotonic() + 400
        while True:
            state = node(1, "service", "inspect", "-f", "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}",
                         "selfhost-umami_app").stdout.strip()
            if state == "completed":
                break
            assert state not in ("paused", "rollback_completed", "rollback_paused"), f"update {state}"
            assert time.monotonic() < deadline, f"rolling update still {state!r}"
            time.sleep(2)
        update_s = time.monotonic() - t0
        time.sleep(5)
    swarm.figures["rolling_update"] = {"update_s": round(update_s, 1), "requests": c.total, "failed": c.failed,
                                       "failures": c.failures[:20]}
    ok, why = swarm.converged()
    assert ok, why
    after = {tid for _, tid in swarm.tasks("selfhost-umami_app")}
    assert not (before & after), f"tasks not replaced: {before & after}"
    assert c.total > 20
    assert c.failed == 0, f"{c.failed} of {c.total} requests failed during the rolling update: {c.failures[:20]}"


def test_the_data_node_keeps_the_rows_across_a_redeploy_and_backs_them_up(swarm):
    def db(sql):
        cid = node(2, "ps", "-q", "--filter", "label=com.docker.swarm.service.name=selfhost-listmonk_db").stdout.split()[0]
        return node(2, "exec", cid, "psql", "-U", "listmonk", "-d", "listmonk", "-tAc", sql).stdout.strip()

    db("CREATE TABLE swarm_probe (n int PRIMARY KEY, note text)")
    db("INSERT INTO swarm_probe SELECT g, md5(g::text) FROM generate_series(1, 1000) g")
    before = db("SELECT count(*) || ' ' || md5(string_agg(note, ',' ORDER BY n)) FROM swarm_probe")

    node(1, "stack", "rm", "selfhost-listmonk")
    deadline = time.monotonic() + 120
    while node(2, "ps", "-q", "--filter", "label=com.docker.stack.namespace=selfhost-listmonk").stdout.strip():
        assert time.monotonic() < deadline, "listmonk's tasks did not stop"
        time.sleep(2)
    # The network the stack's tasks used may linger a moment after they stop.
    time.sleep(5)
    t0 = time.monotonic()
    node_sh(1, "STACK_DEPLOY_ARGS='--resolve-image never' /box/swarm/deploy.sh listmonk", timeout=300)
    swarm.wait_converged()
    redeploy_s = time.monotonic() - t0
    after = db("SELECT count(*) || ' ' || md5(string_agg(note, ',' ORDER BY n)) FROM swarm_probe")
    assert after == before
    assert swarm.https("listmonk") == 200

    # The backup runs on the data node, from the stack's task there (as swarm/systemd's unit runs it).
    p = node_sh(2, "SWARM_STACK=selfhost-listmonk /box/listmonk/backup.sh")
    dest = p.stdout.strip().rsplit(" ", 1)[-1]
    listing = node_sh(2, f"ls -l {dest}; pg_restore --version >/dev/null 2>&1 || true").stdout
    assert "db-listmonk.pgdump" in listing and "volume-uploads.tar.gz" in listing and "stack.yaml" in listing, listing
    dump = node_sh(2, f"wc -c < {dest}/db-listmonk.pgdump").stdout.strip()
    assert int(dump) > 1000
    swarm.figures["data"] = {"rows": int(after.split()[0]), "kept": after == before,
                             "redeploy_s": round(redeploy_s, 1), "backup": dest, "dump_bytes": int(dump)}


def test_status_shows_the_nodes_and_each_services_tasks_per_node(swarm, selfhost):
    env = dict(os.environ, DOCKER_HOST=f"unix://{swarm.sockets}/n1/docker.sock", NO_COLOR="1")
    p = _run([selfhost, "status", "--format", "json", "--interval", "0.2"], check=False, env=env, cwd="/")
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    report = json.loads(p.stdout)
    nodes = {n["hostname"]: n for n in report["swarm"]["nodes"]}
    assert sorted(nodes) == [f"{PREFIX}-n{i}" for i in (1, 2, 3)]
    assert all(n["state"] == "ready" and n["role"] == "manager" for n in nodes.values()), nodes
    assert nodes[f"{PREFIX}-n1"]["labels"].get("selfhost.edge") == "true"
    services = {s["name"]: s for s in report["swarm"]["services"]}
    web = services["selfhost-umami_app"]
    assert web["stack"] == "selfhost-umami" and web["replicas"] == 2 and web["running"] == 2, web
    assert len({t["node"] for t in web["tasks"]}) == 2, web
    assert [t["node"] for t in services["selfhost-listmonk_db"]["tasks"]] == [f"{PREFIX}-n2"]
    text = _run([selfhost, "status", "--interval", "0.2"], env=env, cwd="/").stdout
    assert "swarm · 3 nodes" in text and "selfhost-umami_app" in text, text
    swarm.figures["status_services"] = {name: [t["node"] for t in s["tasks"]] for name, s in services.items()}
