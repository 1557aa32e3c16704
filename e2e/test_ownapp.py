"""Your own app in the box (docs/OWNAPP.md), on a real Docker Engine.

e2e/images/ownapp/ is a small Python web app built here from Debian packages (python3-psycopg2,
python3-redis) that really stores its rows in PostgreSQL and counts in Redis, with the environment
its app file (notes.yaml) asks for. It is rendered beside a catalog app (Umami), the box is started
through its units, and the test checks: every container healthy (the app's own /healthz through the
rendered healthcheck), HTTPS through Caddy behind its setup gate, the isolation render promises
(its database only on its internal network, nothing shared with Umami's networks), and a backup and
restore of its database rows and volume with the rendered backup.sh and the README's restore block.
"""
import json
import os
import subprocess
import time

import pytest

import boxdata
from conftest import DOCKER, ROOT, _run

IMAGE_DIR = os.path.join(ROOT, "e2e", "images", "ownapp")
APP_FILE = os.path.join(IMAGE_DIR, "notes.yaml")
IMAGE = "local/ownapp-notes:1.0"
HEALTH_TIMEOUT = int(os.environ.get("E2E_HEALTH_TIMEOUT", "900"))


@pytest.fixture(scope="module")
def notes_image(engine):
    """Builds the app's image (the layer cache makes a second run quick)."""
    p = subprocess.run([DOCKER, "build", "-q", "-t", IMAGE, IMAGE_DIR], capture_output=True, text=True,
                       timeout=1800, env={**os.environ, "DOCKER_BUILDKIT": "0"})
    assert p.returncode == 0, f"docker build {IMAGE}: {p.stdout[-2000:]}{p.stderr[-3000:]}"
    return IMAGE


@pytest.fixture(scope="module")
def box(session_box_factory, notes_image):
    b = session_box_factory([APP_FILE, "umami"], name="ownapp")
    # Box keeps the render arguments; the app file's app is `notes` from here on.
    b.apps = ["notes" if a == APP_FILE else a for a in b.apps]
    t0 = time.monotonic()
    b.start()
    b.wait_healthy(timeout=HEALTH_TIMEOUT)
    b.ready_seconds = round(time.monotonic() - t0)
    return b


def _https(box, path, method="GET", data=None, auth=True):
    host = box.host("notes")
    args = ["curl", "-sS", "-k", "--max-time", "20", "-o", "-", "-w", "\n%{http_code}",
            "--resolve", f"{host}:443:127.0.0.1", "-X", method]
    if auth:
        with open(os.path.join(box.dir, "notes", "gate-password")) as f:
            args += ["-u", "owner:" + f.read().strip()]
    if data is not None:
        args += ["--data-binary", data]
    p = subprocess.run(args + [f"https://{host}{path}"], capture_output=True, text=True, timeout=40)
    body, _, code = p.stdout.rpartition("\n")
    return int(code) if code.isdigit() else 0, body


def _why(box, engine):
    """What a failed request through Caddy needs to be understood: who answers to the app's web
    alias on its web network (a container left there by another run would get some of the
    requests), and the tails of Caddy's and the app's logs."""
    net = engine("network", "inspect", "selfhost_notes_web", check=False).stdout
    caddy = [c for c in box.containers("caddy") if c["service"] == "caddy"]
    app = [c for c in box.containers("notes") if c["service"] == "app"]
    logs = ""
    for c in caddy + app:
        p = engine("logs", "--tail", "20", c["id"], check=False)
        logs += f"--- {c['app']}/{c['service']}:\n{(p.stdout + p.stderr)[-3000:]}\n"
    try:
        members = {k: v.get("Name") for k, v in json.loads(net)[0].get("Containers", {}).items()}
    except (ValueError, IndexError):
        members = net[-500:]
    return f"selfhost_notes_web members: {members}\n{logs}"


def test_render_remembers_the_file_and_copies_it(box):
    m = box.manifest()
    assert m["own_apps"]["notes"]["file"] == APP_FILE
    with open(os.path.join(box.dir, "notes", "selfhost-app.yaml")) as f, open(APP_FILE) as g:
        assert f.read() == g.read()
    env = box.env("notes")
    assert len(env["APP_SECRET"]) == 64 and env["APP_HOST"] == "notes.e2e.test"
    assert len(env["POSTGRES_PASSWORD"]) == 32 and len(env["REDIS_PASSWORD"]) == 32


def test_healthy_with_its_own_healthcheck_and_memory_limits(box):
    states = {c["service"]: c for c in box.containers("notes")}
    assert set(states) == {"app", "postgres", "redis"}, states.keys()
    for c in states.values():
        assert c["has_healthcheck"] and c["health"] == "healthy", c
    # ram_mb 128 (MB) and the companions' defaults per kind (templates/render/defaults.yaml), in MiB
    # rounded up as render writes them.
    def mib(mb):
        return (mb * 1_000_000 + 1_048_575) // 1_048_576
    assert states["app"]["mem_limit"] == mib(128) * 1024 * 1024
    assert states["postgres"]["mem_limit"] == mib(1024) * 1024 * 1024
    assert states["redis"]["mem_limit"] == mib(256) * 1024 * 1024


def test_https_through_caddy_behind_its_setup_gate(box):
    code, body = _https(box, "/", auth=False)
    assert code == 401, f"the gate: {code} {body[:200]}"
    code, body = _https(box, "/")
    assert code == 200, body[:500]
    doc = json.loads(body)
    assert doc["app"] == "notes" and doc["host"] == "notes.e2e.test"
    assert doc["forwarded_proto"] == "https"
    # Umami beside it answers too (its own gate, its own password).
    assert box.https(box.host("umami"), "/api/heartbeat")["status"] == 200


def test_isolation(box, engine):
    by = {(c["app"], c["service"]): c for c in box.containers()}
    project = box.project("notes")
    nets = {k: set(c["networks"]) for k, c in by.items()}
    assert nets[("notes", "app")] == {f"{project}_backend", "selfhost_notes_web"}
    assert nets[("notes", "postgres")] == {f"{project}_backend"}
    assert nets[("notes", "redis")] == {f"{project}_backend"}
    backend = json.loads(engine("network", "inspect", f"{project}_backend").stdout)[0]
    assert backend["Internal"] is True
    # Nothing of Umami's on the own app's networks, nothing of the own app's on Umami's.
    for (app, svc), n in nets.items():
        if app == "umami":
            assert not n & nets[("notes", "app")], (svc, n)
    # From the app, Umami's web service and database don't resolve; its own database does.
    script = ("import socket\n"
              "def ok(h, p):\n"
              "    try:\n"
              "        socket.create_connection((h, p), 3).close(); return True\n"
              "    except OSError:\n"
              "        return False\n"
              "print(ok('postgres', 5432), ok('umami-web', 3000), ok('db', 5432))\n")
    out = box.compose("notes", "exec", "-T", "app", "python3", "-c", script).stdout.split()
    assert out == ["True", "False", "False"], out


def test_backup_and_restore_of_its_rows(box, engine, tmp_path):
    plan = boxdata.backup_plan(box, "notes")
    assert [(d["service"], d["database"], d["kind"]) for d in plan.dumps] == [("postgres", "notes", "postgres")]
    assert [v["name"] for v in plan.volumes] == ["notes-media"], "Redis is a cache: not archived"
    # The app's own rows, written through Caddy, plus the suite's known rows and files.
    for text in ("first note", "zweite Notiz ünïcode"):
        code, body = _https(box, "/notes", "POST", text)
        assert code == 201, f"POST /notes through Caddy: {code} {body[:300]}\n{_why(box, engine)}"
    token = boxdata.seed(box, plan)
    want = boxdata.expected(plan, token)
    assert boxdata.read_back(box, plan) == want
    dest = boxdata.backup(box, "notes", str(tmp_path / "backups"))
    assert set(boxdata.modes(dest).values()) <= {"0o700", "0o600"}
    box.compose("notes", "down", "-v", "-t", "5")
    left = _run([DOCKER, "volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={box.project('notes')}"]).stdout.split()
    assert not left, left
    t0 = time.monotonic()
    p = boxdata.restore(box, "notes", dest)
    assert p.returncode == 0, f"README restore block exited {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}"
    box.wait_healthy(apps=["notes"], timeout=HEALTH_TIMEOUT)
    restore_s = round(time.monotonic() - t0)
    assert boxdata.read_back(box, plan) == want
    code, body = _https(box, "/notes")
    assert code == 200, body
    assert [n["body"] for n in json.loads(body)["notes"]] == ["first note", "zweite Notiz ünïcode"]
    out = os.environ.get("E2E_OUT", os.path.join(ROOT, ".build", "e2e"))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "ownapp.json"), "w") as f:
        json.dump({"box_ready_s": box.ready_seconds, "restore_s": restore_s}, f)
