"""A running box survives what happens to running boxes, on a real Docker Engine.

- A database process killed with SIGKILL (`kill -9` of the container's main process from the host;
  `docker kill` would count as a manual stop, which restart policies ignore) comes back by itself,
  and its app becomes healthy again and answers through Caddy.
- Re-rendering the running box with one more app, starting that app's unit and reloading Caddy
  (`systemctl reload selfhost-caddy`, i.e. caddy/reload.sh): the other apps' .env, compose files,
  containers and data are untouched, Caddy is not restarted, the new host is served, and not one
  request to the existing hosts fails during the change.
- Caddy's compose project is `selfhost-caddy`: a project named `caddy` (what the directory name
  would give) survives Caddy's `up --remove-orphans`.
"""
import os
import threading
import time

import pytest

import boxdata
from conftest import DOCKER, Box, _run

HEALTH_TIMEOUT = int(os.environ.get("E2E_HEALTH_TIMEOUT", "1200"))
FIRST = ["umami", "listmonk", "easy-appointments"]   # postgres and mariadb
ADDED = "gitea"


@pytest.fixture(scope="module")
def box(selfhost, engine, catalog_apps, tmp_path_factory):
    missing = [a for a in FIRST + [ADDED] if a not in catalog_apps]
    if missing:
        pytest.skip(f"not in this run (E2E_APPS): {missing}")
    root = tmp_path_factory.mktemp("resilience")
    # A stranger's project called `caddy`, started before the box's Caddy.
    decoy = root / "decoy" / "caddy"
    decoy.mkdir(parents=True)
    (decoy / "compose.yaml").write_text(
        f"services:\n  stranger:\n    image: {boxdata.BACKUP_IMAGE}\n    command: [sleep, '86400']\n    network_mode: none\n")
    b = Box(selfhost, engine, str(root / "box"), FIRST)
    try:
        b.lock.acquire()   # the box's names (projects, networks) are machine-wide: one at a time
        _run([DOCKER, "compose", "up", "-d"], cwd=str(decoy))
        b.start()
        boxdata.wait_ready(b, timeout=HEALTH_TIMEOUT)
        for a in FIRST:
            boxdata.wait_answer(b, a)
        b.decoy = str(decoy)
        yield b
    finally:
        _run([DOCKER, "compose", "down", "-t", "1"], cwd=str(decoy), check=False)
        b.teardown()


def _container(box, app, service):
    found = [c for c in box.containers(app) if c["service"] == service]
    assert len(found) == 1, f"{app}/{service}: {found}"
    return found[0]


def test_caddy_has_its_own_project(box, engine):
    caddy = _container(box, "caddy", "caddy")
    labels = engine.inspect(caddy["id"])[0]["Config"]["Labels"]
    assert labels["com.docker.compose.project"] == "selfhost-caddy", labels
    # Caddy's ExecStart again (up -d --remove-orphans): the stranger's `caddy` project stays.
    box.units()["selfhost-caddy.service"].run("ExecStart")
    ps = _run([DOCKER, "compose", "ps", "-q", "stranger"], cwd=box.decoy).stdout.split()
    assert ps and engine.inspect(*ps)[0]["State"]["Running"], "Caddy's --remove-orphans removed another project's container"


@pytest.mark.parametrize("app", FIRST)
def test_database_killed_comes_back(box, engine, app):
    db = _container(box, app, "db")
    before = engine.inspect(db["id"])[0]
    pid = before["State"]["Pid"]
    assert pid > 0
    t0 = time.monotonic()
    os.kill(pid, 9)
    # The restart policy brings it back: a new start, with its restart count up.
    deadline = t0 + 120
    while True:
        now = engine.inspect(db["id"])[0]
        if now["State"]["StartedAt"] != before["State"]["StartedAt"] and now["State"]["Running"]:
            break
        assert time.monotonic() < deadline, f"{app}/db not restarted 120 s after kill -9: {now['State']}"
        time.sleep(1)
    assert now["RestartCount"] == before["RestartCount"] + 1, (before["RestartCount"], now["RestartCount"])
    boxdata.wait_ready(box, apps=[app], timeout=HEALTH_TIMEOUT)
    # The app's stand-in answers 200 only once it logs in to the database again.
    boxdata.wait_answer(box, app, timeout=300)
    recovered = round(time.monotonic() - t0)
    print(f"\n{app}: database killed (-9), back and app healthy after {recovered} s")


class Poller(threading.Thread):
    """Requests each host over HTTPS through Caddy back to back; counts answers that are not 200."""

    def __init__(self, box, hosts):
        super().__init__(daemon=True)
        self.box, self.hosts = box, hosts
        self.stop_event = threading.Event()
        self.requests = 0
        self.failures = []

    def run(self):
        while not self.stop_event.is_set():
            for h in self.hosts:
                r = self.box.https(h, "/", timeout=10)
                self.requests += 1
                if r["status"] != 200:
                    self.failures.append(f"{time.strftime('%H:%M:%S')} {h}: {r['status']} rc={r['rc']} {r['stderr'][:200]}")
            time.sleep(0.05)


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def test_rerender_adds_an_app_without_dropping_the_others(box, engine):
    plans = {a: boxdata.backup_plan(box, a) for a in FIRST}
    tokens = {a: boxdata.seed(box, plans[a]) for a in FIRST}
    kept = {p: _read(os.path.join(box.dir, p)) for a in FIRST for p in (f"{a}/.env", f"{a}/compose.yaml")}
    containers = {c["name"]: c["id"] for a in FIRST for c in box.containers(a)}
    caddy = engine.inspect(_container(box, "caddy", "caddy")["id"])[0]

    poller = Poller(box, [box.host(a) for a in FIRST])
    poller.start()
    try:
        time.sleep(3)
        # As the README says: render again, start the new app's unit, reload Caddy.
        box.render(ADDED)
        box.start(units=[f"selfhost-{ADDED}.service"])
        boxdata.wait_ready(box, apps=[ADDED], timeout=HEALTH_TIMEOUT)
        box.caddy_local_certs()   # the test's local_certs line, on the re-rendered Caddyfile
        box.reload_caddy()
        deadline = time.monotonic() + 120
        new = box.https(box.host(ADDED), "/")
        while new["status"] != 200 and time.monotonic() < deadline:
            time.sleep(2)
            new = box.https(box.host(ADDED), "/")
        time.sleep(3)
    finally:
        poller.stop_event.set()
        poller.join(timeout=60)

    assert new["status"] == 200, f"https://{box.host(ADDED)}/ after the reload: {new['status']} {new['body'][:300]}"
    assert poller.requests >= 20, f"only {poller.requests} requests made during the change"
    assert not poller.failures, f"{len(poller.failures)} of {poller.requests} requests failed:\n" + "\n".join(poller.failures[:20])
    print(f"\n{poller.requests} requests to {FIRST} during the re-render and reload: 0 failed")

    after = engine.inspect(_container(box, "caddy", "caddy")["id"])[0]
    assert after["Id"] == caddy["Id"] and after["State"]["StartedAt"] == caddy["State"]["StartedAt"], "Caddy was restarted"
    assert f"selfhost_{ADDED}_web" in after["NetworkSettings"]["Networks"]
    for p, content in kept.items():
        assert _read(os.path.join(box.dir, p)) == content, f"{p} changed on re-render"
    assert {c["name"]: c["id"] for a in FIRST for c in box.containers(a)} == containers, "other apps' containers were recreated"
    for a in FIRST:
        assert boxdata.read_back(box, plans[a]) == boxdata.expected(plans[a], tokens[a]), f"{a}: data changed"
