"""Every renderable app, rendered into ONE box and started on a real Docker Engine with stand-in images:
all containers healthy within a bound, each app served by Caddy over HTTPS (plain HTTP redirected),
no database or internal service reachable from Caddy or from another app. Peak memory (docker stats)
is reported beside the sum of the box's mem_limits."""
import concurrent.futures
import json
import os
import re
import subprocess
import threading
import time

import pytest

from conftest import CI, DOCKER, Box
from known_gaps import NO_HEALTHCHECK

HEALTH_TIMEOUT = int(os.environ.get("E2E_HEALTH_TIMEOUT", "1200"))


def _images_json(out_dir):
    path = os.path.join(out_dir, "images.json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def _apps_without_standin(out_dir):
    """Apps using an image reference images.sh found no stand-in for (only with E2E_ALLOW_MISSING_SPECS=1)."""
    missing = _images_json(out_dir).get("missing", [])
    apps = set()
    for m in missing:
        for used in re.findall(r"([a-z0-9-]+)/", m.split("(used by", 1)[-1]):
            apps.add(used)
    return apps


# --- memory sampling -----------------------------------------------------------------------------

_UNITS = {"b": 1, "kib": 1024, "kb": 1000, "mib": 1024 ** 2, "mb": 1000 ** 2, "gib": 1024 ** 3, "gb": 1000 ** 3}


def _bytes(text):
    m = re.match(r"\s*([\d.]+)\s*([A-Za-z]+)", text)
    if not m:
        return 0
    return int(float(m.group(1)) * _UNITS.get(m.group(2).lower(), 1))


class StatsSampler(threading.Thread):
    """Samples `docker stats --no-stream` of the box's containers; keeps the peak of their sum."""

    def __init__(self, box):
        super().__init__(daemon=True)
        self.box = box
        self.stop_event = threading.Event()
        self.peak_total = 0
        self.peak_at = None
        self.peak_each = {}
        self.samples = 0

    def run(self):
        while not self.stop_event.is_set():
            try:
                ids = [c["id"] for c in self.box.containers() if c["state"] == "running"]
                if ids:
                    p = subprocess.run([DOCKER, "stats", "--no-stream", "--format", "{{json .}}", *ids],
                                       capture_output=True, text=True, timeout=120)
                    total = 0
                    for line in p.stdout.splitlines():
                        s = json.loads(line)
                        used = _bytes(s.get("MemUsage", "0B").split("/")[0])
                        total += used
                        self.peak_each[s["Name"]] = max(self.peak_each.get(s["Name"], 0), used)
                    self.samples += 1
                    if total > self.peak_total:
                        self.peak_total, self.peak_at = total, time.strftime("%H:%M:%S")
            except (subprocess.SubprocessError, ValueError, AssertionError):
                pass
            self.stop_event.wait(3)


# --- the one box -------------------------------------------------------------------------------

class AllApps:
    def __init__(self):
        self.box = None
        self.error = None
        self.states = []
        self.healthy_after = {}
        self.start_seconds = None
        self.skipped = set()


@pytest.fixture(scope="module")
def all_apps(session_box_factory, catalog_apps, out_dir, engine):
    r = AllApps()
    r.skipped = _apps_without_standin(out_dir) & set(catalog_apps)
    if r.skipped and os.environ.get("E2E_ALLOW_MISSING_SPECS") != "1":
        pytest.fail(f"images.json lists apps without stand-ins: {sorted(r.skipped)}")
    apps = [a for a in catalog_apps if a not in r.skipped]
    box = session_box_factory(apps, name="all")
    r.box = box
    sampler = StatsSampler(box)
    t0 = time.monotonic()
    sampler.start()

    def on_poll(states):
        for a in box.apps + ["caddy"]:
            mine = [c for c in states if c["app"] == a]
            if a not in r.healthy_after and mine and all(Box.container_ok(c) for c in mine):
                r.healthy_after[a] = round(time.monotonic() - t0)

    # Per-app "healthy after" is recorded from the first unit on, also while the units start
    # (each `compose up -d` waits for its service_healthy dependencies).
    poll_stop = threading.Event()

    def poll():
        while not poll_stop.wait(5):
            try:
                on_poll(box.containers())
            except AssertionError:
                pass

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    errors = []
    try:
        box.start()
    except AssertionError as e:  # a unit failed; the others run: wait for them and report both
        errors.append(str(e))
    r.start_seconds = round(time.monotonic() - t0)
    try:
        r.states = box.wait_healthy(timeout=HEALTH_TIMEOUT, on_poll=on_poll)
    except AssertionError as e:
        errors.append(str(e))
        r.states = box.containers()
    r.error = "\n\n".join(errors) or None
    poll_stop.set()
    poller.join(timeout=60)
    total_seconds = round(time.monotonic() - t0)
    time.sleep(10)  # one more stats sample with everything up
    sampler.stop_event.set()
    sampler.join(timeout=150)

    limits = sum(c["mem_limit"] for c in r.states)
    report = {
        "apps": box.apps, "containers": len(r.states),
        "units_started_in_s": r.start_seconds, "all_healthy_in_s": None if r.error else total_seconds,
        "healthy_after_s": r.healthy_after,
        "peak_memory_bytes": sampler.peak_total, "peak_at": sampler.peak_at, "stats_samples": sampler.samples,
        "sum_mem_limit_bytes": limits,
        "peak_by_container_bytes": dict(sorted(sampler.peak_each.items(), key=lambda kv: -kv[1])),
    }
    with open(os.path.join(out_dir, "all-apps-box.json"), "w") as f:
        json.dump(report, f, indent=2)
    peak = (f"{sampler.peak_total / 2**20:.0f} MiB" if sampler.peak_total else
            "unknown: docker stats reported 0 B for every container (an engine without the memory cgroup)")
    line = (f"one box, {len(box.apps)} apps, {len(r.states)} containers: peak memory "
            f"{peak} (docker stats, {sampler.samples} samples) vs sum of mem_limits "
            f"{limits / 2**20:.0f} MiB; all healthy in {total_seconds} s" + (" (NOT all healthy)" if r.error else ""))
    with open(os.path.join(out_dir, "all-apps-box.txt"), "w") as f:
        f.write(line + "\n")
    print("\n" + line)
    yield r
    # Down at the end of this module, not of the session: a box's names (projects, web networks,
    # ports 80/443) are machine-wide, so later modules (test_backup, test_resilience) start theirs
    # only once this one is gone (Box.start waits for the port lock until then).
    box.teardown()


def pytest_generate_tests(metafunc):
    if "app" in metafunc.fixturenames:
        from conftest import _run, ROOT
        binary = os.environ.get("SELFHOST") or os.path.join(
            _run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=False).stdout.strip(), "selfhost")
        try:
            data = json.loads(_run([binary, "catalog", "list", "--format", "json"]).stdout)
        except (OSError, AssertionError, ValueError) as e:
            raise pytest.UsageError(f"can't list the catalog with {binary}: {e}")
        if isinstance(data, dict):
            data = data.get("apps", data.get("items", []))
        ids = sorted(a["id"] for a in data if a.get("renderable", a.get("install", {}).get("renderable")))
        only = os.environ.get("E2E_APPS")
        if only:
            ids = [i for i in ids if i in only.split(",")]
        metafunc.parametrize("app", ids)


def _skip_without_standin(all_apps, app):
    if app in all_apps.skipped:
        pytest.xfail("no stand-in spec yet")


def test_box_all_healthy(all_apps):
    """The box with every renderable app: every container healthy (or a one-shot helper exited 0)."""
    assert all_apps.error is None, all_apps.error


def test_healthy(all_apps, app):
    _skip_without_standin(all_apps, app)
    mine = [c for c in all_apps.states if c["app"] == app]
    assert mine, f"{app}: no containers"
    bad = [f"{c['service']}: state={c['state']} health={c['health']} exit={c['exit_code']}"
           for c in mine if not Box.container_ok(c)]
    assert not bad, f"{app} not healthy: {bad}\n{all_apps.error or ''}"[:6000]


def test_has_healthcheck(all_apps, app):
    """Every long-running service has a healthcheck (`service_healthy` and monitoring see more than
    'running'). Known gaps are listed in known_gaps.py as strict xfails: adding a healthcheck makes
    the xfail pass, and the test fails until the entry is removed."""
    _skip_without_standin(all_apps, app)
    # From the rendered compose file (so an app whose containers didn't start is still judged).
    conf = json.loads(all_apps.box.compose(app, "config", "--format", "json").stdout)
    missing = sorted(name for name, svc in conf["services"].items()
                     if str(svc.get("restart", "no")) in ("always", "unless-stopped")
                     and (not svc.get("healthcheck") or svc["healthcheck"].get("disable")))
    gap = NO_HEALTHCHECK.get(app)
    if gap:
        if missing == sorted(gap["services"]):
            pytest.xfail(f"known gap: {gap['reason']}")
        raise AssertionError(f"{app}: services without a healthcheck are {missing}; known_gaps.py says {gap['services']}: update it")
    assert not missing, f"{app}: running without a healthcheck: {missing}"


def test_https(all_apps, app):
    _skip_without_standin(all_apps, app)
    box = all_apps.box
    host = box.host(app)
    get = _gated_https(box, app)
    r = get(host, "/")
    for _ in range(10):  # Caddy issues the local certificates right after start
        if r["status"] == 200:
            break
        time.sleep(3)
        r = get(host, "/")
    assert r["status"] == 200, f"https://{host}/ → {r['status']} rc={r['rc']} {r['stderr']} {r['body'][:300]}"
    assert "stand-in for" in r["body"] and "not the real app" in r["body"], r["body"][:300]
    deep = get(host, "/e2e/deeper/path?x=1")
    assert deep["status"] == 200 and "path: /e2e/deeper/path?x=1" in deep["body"], deep


def _gated_https(box, app):
    """box.https, with the setup gate's password for apps behind one (e2e/test_gate.py tests the gate itself)."""
    path = os.path.join(box.dir, app, "gate-password")
    if not os.path.exists(path):
        return box.https
    with open(path) as f:
        user = "owner:" + f.read().strip()
    from conftest import _curl
    return lambda host, p="/", timeout=20: _curl(["-k", "-u", user, "--resolve", f"{host}:443:127.0.0.1", f"https://{host}{p}"], timeout)


def test_http_redirects_to_https(all_apps, app):
    _skip_without_standin(all_apps, app)
    box = all_apps.box
    host = box.host(app)
    r = box.http(host, "/some/path")
    assert r["status"] in (301, 302, 307, 308), f"http://{host}/some/path → {r['status']} {r['body'][:200]}"
    assert r["location"] == f"https://{host}/some/path", r["location"]


# --- isolation -----------------------------------------------------------------------------------

def _listening_ports(pid):
    """TCP ports the container's network namespace listens on (not Docker's DNS on 127.0.0.11)."""
    ports = set()
    for name in ("tcp", "tcp6"):
        try:
            with open(f"/proc/{pid}/net/{name}") as f:
                next(f)
                for line in f:
                    parts = line.split()
                    local, state = parts[1], parts[3]
                    if state != "0A":
                        continue
                    addr, port = local.split(":")
                    if addr in ("0100007F", "0B00007F") or addr.endswith("0100007F") or addr == "00000000000000000000000001000000":
                        continue  # loopback-only
                    ports.add(int(port, 16))
        except OSError:
            pass
    return sorted(ports)


def _reachable(from_pid, ip, port, timeout=3):
    """Whether a TCP connection from the container's network namespace to ip:port opens."""
    p = subprocess.run(["nsenter", "-t", str(from_pid), "-n", "timeout", str(timeout), "bash", "-c",
                        f"exec 3<>/dev/tcp/{ip}/{port}"], capture_output=True, text=True)
    return p.returncode == 0


def _web_network(app):
    return f"selfhost_{app}_web"


def test_isolated(all_apps, app):
    """No non-web container of the app is reachable from Caddy; none of its containers from another
    app's containers. Positive control: the app's own web container reaches its companions."""
    _skip_without_standin(all_apps, app)
    box = all_apps.box
    states = [c for c in all_apps.states if c["state"] == "running" and c["pid"]]
    mine = [c for c in states if c["app"] == app]
    caddy = [c for c in states if c["app"] == "caddy"]
    assert caddy, "Caddy isn't running"
    others = [a for a in box.apps if a != app]
    other = others[(box.apps.index(app)) % len(others)] if others else None
    other_containers = [c for c in states if c["app"] == other]
    web = [c for c in mine if _web_network(app) in c["networks"]]
    internal = [c for c in mine if _web_network(app) not in c["networks"]]

    targets = []  # (container, ip, port)
    for c in mine:
        for port in _listening_ports(c["pid"]):
            for net, info in c["networks"].items():
                if info.get("IPAddress"):
                    targets.append((c, net, info["IPAddress"], port))
    internal_targets = [t for t in targets if t[0] in internal]

    probes = []  # (description, from pid, ip, port, expected)
    for c, net, ip, port in internal_targets:
        probes.append((f"caddy → {app}/{c['service']} {ip}:{port} ({net})", caddy[0]["pid"], ip, port, False))
        for o in other_containers[:2]:
            probes.append((f"{other}/{o['service']} → {app}/{c['service']} {ip}:{port}", o["pid"], ip, port, False))
    for c, net, ip, port in targets:
        if c in web:
            for o in other_containers[:1]:
                probes.append((f"{other}/{o['service']} → {app}/{c['service']} (web) {ip}:{port}", o["pid"], ip, port, False))
    # Positive control: the probe does see an open port where the wiring says there is one.
    controls = 0
    for c, net, ip, port in internal_targets:
        if web and net in web[0]["networks"] and c is not web[0]:
            probes.append((f"control: {app}/{web[0]['service']} → {app}/{c['service']} {ip}:{port}", web[0]["pid"], ip, port, True))
            controls += 1
    if web:
        w = web[0]
        wip = w["networks"][_web_network(app)]["IPAddress"]
        for port in _listening_ports(w["pid"]):
            probes.append((f"control: caddy → {app}/{w['service']} (web) {wip}:{port}", caddy[0]["pid"], wip, port, True))
            controls += 1
    assert controls, f"{app}: no positive control possible (no web container or listening port found)"

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda p: (p, _reachable(p[1], p[2], p[3])), probes))
    wrong = [f"{p[0]}: {'open' if got else 'closed'}, expected {'open' if p[4] else 'closed'}"
             for p, got in results if got != p[4]]
    assert not wrong, f"{app}: " + "\n".join(wrong)


# --- the stand-ins' health is real ---------------------------------------------------------------

def _run_healthcheck(engine, container_id):
    """Runs the container's own healthcheck command once; returns its exit status."""
    test = engine.inspect(container_id)[0]["Config"]["Healthcheck"]["Test"]
    argv = ["sh", "-c", test[1]] if test[0] == "CMD-SHELL" else test[1:]
    return engine("exec", container_id, *argv, check=False, timeout=60).returncode


def test_wrong_database_password_fails_health(all_apps, engine):
    """With umami's database password changed under it, the stand-in answers 503 and umami's own
    rendered healthcheck fails; with the password put back, both pass again."""
    box = all_apps.box
    if "umami" not in box.apps:
        pytest.skip("umami is not in this run (E2E_APPS)")
    app = [c for c in box.containers("umami") if c["service"] == "app"][0]
    password = box.env("umami")["POSTGRES_PASSWORD"]

    def set_password(pw):
        box.compose("umami", "exec", "-T", "db", "psql", "-v", "ON_ERROR_STOP=1", "-U", "umami", "-d", "umami",
                    "-c", f"ALTER USER umami PASSWORD '{pw}'")

    def wait_status(want):
        r = None
        for _ in range(15):
            r = box.https(box.host("umami"), "/api/heartbeat")
            if r["status"] == want:
                return r
            time.sleep(2)
        raise AssertionError(f"expected {want}, last answer {r}")

    assert _run_healthcheck(engine, app["id"]) == 0
    set_password("wrong-on-purpose-" + password[:4])
    try:
        r = wait_status(503)
        assert "FAILED postgres umami@db:5432" in r["body"] and "password authentication failed" in r["body"], r["body"]
        assert _run_healthcheck(engine, app["id"]) != 0, "the rendered healthcheck passed with a wrong database password"
    finally:
        set_password(password)
    wait_status(200)
    assert _run_healthcheck(engine, app["id"]) == 0
