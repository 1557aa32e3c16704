"""Fixtures of selfhost's end-to-end suite: rendered boxes started on a real Docker Engine.

Run by scripts/test.sh after `swift test` (scripts/e2e/engine.sh and scripts/e2e/images.sh first).
Stable API for other test modules (test_backup*.py, test_resilience*.py):

- `selfhost` (session): path of the built selfhost binary (env SELFHOST, else `swift build
  --show-bin-path`/selfhost).
- `engine` (session): an `Engine` (the Docker CLI /usr/bin/docker, API-negotiated with Engine 20.10).
  A missing engine fails the run under CI=true and skips it otherwise.
- `catalog_apps` (session): ids of every renderable app, from `selfhost catalog list --format json`.
- `box_factory`: `box_factory(apps, name="box")` renders apps into a fresh directory under the test's
  tmp dir and returns a `Box` (not started). Every box made is torn down after the test (containers,
  volumes, the networks its units create). Starting a box takes the machine-wide lock on host ports
  80/443 (Caddy), so two test runs on one machine take turns. Anything else that starts a rendered
  box on this engine must hold the same lock (/run/lock/selfhost-e2e-ports.lock, flock): rendered
  boxes share fixed names (compose projects selfhost-<app>, networks selfhost_<app>_web and their
  10.231.N.0/24 subnets), so two at once collide.
- `Box`: `.dir`, `.apps`, `.render(*more_apps)`, `.units()`, `.start()` (runs the rendered units'
  ExecStartPre/ExecStart command lines in unit order: apps in parallel as systemd would, Caddy after
  them), `.stop()` (ExecStop), `.wait_healthy(timeout)`, `.containers(app=None)`, `.compose(app,
  *args)`, `.env(app)`, `.host(app)`, `.https(host, path)`, `.http(host, path)`, `.caddy_local_certs()`,
  `.teardown()`.
- `out_dir` (session): where tests write figures (E2E_OUT, default .build/e2e).
"""
import concurrent.futures
import fcntl
import json
import os
import re
import shlex
import shutil
import subprocess
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCKER = os.environ.get("E2E_DOCKER", "/usr/bin/docker")
DOMAIN = "e2e.test"
LOCK_PATH = os.environ.get("E2E_PORT_LOCK", "/run/lock/selfhost-e2e-ports.lock")
CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _run(args, check=True, timeout=600, **kw):
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, args))} exited {p.returncode}\n{p.stdout[-4000:]}\n{p.stderr[-4000:]}")
    return p


class Engine:
    docker = DOCKER

    def __call__(self, *args, check=True, timeout=600, **kw):
        return _run([DOCKER, *args], check=check, timeout=timeout, **kw)

    def inspect(self, *ids):
        """Objects that still exist (a container removed meanwhile is left out, not an error)."""
        if not ids:
            return []
        p = self("inspect", *ids, check=False)
        try:
            return json.loads(p.stdout or "[]")
        except ValueError:
            raise AssertionError(f"docker inspect: {p.stderr[-2000:]}")


@pytest.fixture(scope="session")
def out_dir():
    d = os.environ.get("E2E_OUT", os.path.join(ROOT, ".build", "e2e"))
    os.makedirs(d, exist_ok=True)
    return d


@pytest.fixture(scope="session")
def selfhost():
    path = os.environ.get("SELFHOST")
    if not path:
        p = _run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=False)
        path = os.path.join(p.stdout.strip(), "selfhost")
    if not os.access(path, os.X_OK):
        pytest.fail(f"no selfhost binary at {path}: run `swift build` or set SELFHOST")
    return path


@pytest.fixture(scope="session")
def engine():
    e = Engine()
    try:
        ok = e("info", "--format", "{{.ServerVersion}}", check=False, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    if not ok:
        msg = f"no Docker Engine answers {DOCKER} info (run scripts/e2e/engine.sh)"
        if CI:
            pytest.fail(msg)
        pytest.skip(msg)
    compose = e("compose", "version", "--short", check=False)
    if compose.returncode != 0 or not compose.stdout.strip().lstrip("v").startswith("2."):
        pytest.fail(f"`{DOCKER} compose` is not Compose v2: {compose.stdout}{compose.stderr}")
    return e


@pytest.fixture(scope="session")
def catalog_apps(selfhost):
    data = json.loads(_run([selfhost, "catalog", "list", "--format", "json"]).stdout)
    if isinstance(data, dict):
        data = data.get("apps", data.get("items", []))
    ids = sorted(a["id"] for a in data if a.get("renderable", a.get("install", {}).get("renderable")))
    assert ids, "the catalog lists no renderable app"
    only = os.environ.get("E2E_APPS")
    if only:
        ids = [i for i in ids if i in only.split(",")]
    return ids


# --- systemd units ------------------------------------------------------------------------------

class Unit:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        self.keys = {}
        section = None
        with open(path) as f:
            for raw in f:
                line = raw.strip()
                if not line or line[0] in "#;":
                    continue
                if line.startswith("["):
                    section = line.strip("[]")
                    continue
                k, _, v = line.partition("=")
                self.keys.setdefault((section, k.strip()), []).append(v.strip())

    def get(self, section, key):
        return self.keys.get((section, key), [])

    @property
    def after(self):
        return [n for v in self.get("Unit", "After") for n in v.split()]

    def command_lines(self, key):
        """Command lines of ExecStartPre/ExecStart/ExecStop, systemd prefixes (+ - @ ! :) dropped."""
        lines = []
        for v in self.get("Service", key):
            ignore_failure = False
            while v and v[0] in "+-@!:":
                ignore_failure |= v[0] == "-"
                v = v[1:]
            lines.append((shlex.split(v), ignore_failure))
        return lines

    def run(self, key, timeout=900):
        cwd = (self.get("Service", "WorkingDirectory") or [None])[0]
        env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        for argv, ignore in self.command_lines(key):
            try:
                p = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
            except subprocess.TimeoutExpired as e:
                # As systemd's TimeoutStartSec= (15min in the rendered units): the unit failed.
                raise AssertionError(f"{self.name} {key}={shlex.join(argv)} still running after {timeout} s\n"
                                     f"{(e.stdout or b'')[-3000:]!r}\n{(e.stderr or b'')[-3000:]!r}")
            if p.returncode != 0 and not ignore:
                raise AssertionError(f"{self.name} {key}={shlex.join(argv)} exited {p.returncode}\n"
                                     f"{p.stdout[-3000:]}\n{p.stderr[-3000:]}")


# --- the box ------------------------------------------------------------------------------------

class PortLock:
    """Machine-wide: one started box (one Caddy on 80/443) at a time."""

    def __init__(self):
        self.fd = None

    def acquire(self, timeout=3600):
        if self.fd is not None or os.environ.get("E2E_PORT_LOCK_HELD") == "1":
            return  # E2E_PORT_LOCK_HELD=1: the caller holds it (e.g. `flock LOCK pytest …`)
        os.makedirs(os.path.dirname(LOCK_PATH), exist_ok=True)
        fd = os.open(LOCK_PATH, os.O_RDWR | os.O_CREAT, 0o644)
        t0 = time.monotonic()
        deadline = t0 + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.fd = fd
                waited = round(time.monotonic() - t0)
                if waited >= 5:
                    # A module's wall time includes this wait (other runs' boxes on a shared engine):
                    # CI's phase table is read with it (docs/E2E.md).
                    out = os.environ.get("E2E_OUT", os.path.join(ROOT, ".build", "e2e"))
                    os.makedirs(out, exist_ok=True)
                    with open(os.path.join(out, "port-lock-waits.txt"), "a") as f:
                        f.write(f"{time.strftime('%H:%M:%S')} {os.environ.get('PYTEST_CURRENT_TEST', '?').split(' ')[0]} waited {waited} s\n")
                return
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    raise AssertionError(f"{LOCK_PATH} held by another e2e run for {timeout} s")
                time.sleep(2)

    def release(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Box:
    def __init__(self, selfhost, engine, directory, apps):
        self.selfhost = selfhost
        self.engine = engine
        self.dir = directory
        self.apps = []
        self.lock = PortLock()
        self.started_units = []
        self.render(*apps)

    # rendering
    def render(self, *apps, extra=()):
        # Put the rendered Caddyfile back first, so render doesn't take the test's local_certs line
        # for a person's edit; it is added again by start()/caddy_local_certs().
        self._caddy_unpatch()
        args = [self.selfhost, "render", *apps, "--domain", DOMAIN, "--email", f"e2e@{DOMAIN}",
                "--out", self.dir, "--docker", DOCKER, "--backup-dir", os.path.join(self.dir, "..", "backups"),
                "--format", "json", *extra]
        p = _run(args, check=False)
        if p.returncode != 0:
            raise AssertionError(f"render exited {p.returncode}: {p.stdout[-3000:]}{p.stderr[-3000:]}")
        for a in apps:
            if a not in self.apps:
                self.apps.append(a)
        return p

    def manifest(self):
        with open(os.path.join(self.dir, ".selfhost", "manifest.json")) as f:
            return json.load(f)

    def host(self, app):
        return f"{app}.{DOMAIN}"

    def env(self, app):
        values = {}
        with open(os.path.join(self.dir, app, ".env")) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    k, _, v = line.partition("=")
                    v = v.strip()
                    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
                        v = v[1:-1]
                    values[k.strip()] = v
        return values

    def project(self, app):
        return self.env(app).get("COMPOSE_PROJECT_NAME", app)

    def caddy_local_certs(self):
        """Test only: Caddy's own CA instead of ACME (no network), in the box's Caddyfile; and
        `skip_install_trust`: otherwise Caddy runs update-ca-certificates in its container at every
        start, before it listens, and on this loaded machine that took over five minutes (the
        client here passes -k anyway)."""
        path = os.path.join(self.dir, "caddy", "Caddyfile")
        with open(path) as f:
            text = f.read()
        if "local_certs" in text:
            return
        self._caddy_original = text
        lines = text.splitlines(keepends=True)
        first = next((i for i, l in enumerate(lines) if l.strip() and not l.lstrip().startswith("#")), None)
        if first is not None and lines[first].strip() == "{":
            lines.insert(first + 1, "\tlocal_certs\n\tskip_install_trust\n")
            text = "".join(lines)
        else:
            text = "{\n\tlocal_certs\n\tskip_install_trust\n}\n" + text
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
        self._caddy_patched = text

    def _caddy_unpatch(self):
        path = os.path.join(self.dir, "caddy", "Caddyfile")
        original = getattr(self, "_caddy_original", None)
        if original is None or not os.path.exists(path):
            return
        with open(path) as f:
            if f.read() != self._caddy_patched:
                return
        with open(path + ".tmp", "w") as f:
            f.write(original)
        os.replace(path + ".tmp", path)
        self._caddy_original = None

    def fit_ulimits(self):
        """Test only, and only where this machine can't do what the file asks: a sandbox whose hard
        RLIMIT_NOFILE is below a service's `ulimits: nofile` (ClickHouse asks 262144) can't start it
        ("error setting rlimit type 7"), and without CAP_SYS_RESOURCE the limit can't be raised. Then a
        compose.override.yaml (read by `docker compose` beside compose.yaml) lowers it to the
        machine's hard limit; the deviation is listed in self.deviations."""
        import resource
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        self.deviations = getattr(self, "deviations", [])
        todo = [a for a in self.apps if not os.path.exists(os.path.join(self.dir, a, "compose.override.yaml"))]
        # `docker compose config` per app, in parallel: one after the other took minutes for 30 apps
        # on a loaded machine.
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            configs = dict(zip(todo, pool.map(lambda a: json.loads(_run(
                [DOCKER, "compose", "config", "--format", "json"], cwd=os.path.join(self.dir, a)).stdout), todo)))
        for a in todo:
            d = os.path.join(self.dir, a)
            override = os.path.join(d, "compose.override.yaml")
            conf = configs[a]
            services = {}
            for name, svc in conf.get("services", {}).items():
                nofile = (svc.get("ulimits") or {}).get("nofile")
                if isinstance(nofile, dict) and hard != resource.RLIM_INFINITY and max(
                        int(nofile.get("soft", 0)), int(nofile.get("hard", 0))) > hard:
                    services[name] = {"ulimits": {"nofile": {"soft": min(int(nofile["soft"]), hard), "hard": hard}}}
                    self.deviations.append(f"{a}/{name}: ulimits nofile {nofile} lowered to {hard} (this machine's hard limit)")
            if services:
                with open(override, "w") as f:
                    f.write("# Test only (e2e/conftest.py Box.fit_ulimits): this machine's hard RLIMIT_NOFILE.\n")
                    json.dump({"services": services}, f, indent=2)

    # units
    def units(self):
        d = os.path.join(self.dir, "systemd")
        return {n: Unit(os.path.join(d, n)) for n in sorted(os.listdir(d)) if n.endswith(".service")
                and not n.endswith("-backup.service")}

    def required_settings(self):
        """{app: [names]} of `.env` values render leaves empty under "REQUIRED: set this before
        starting" (values no generated secret can be, e.g. Saleor's PEM RSA_PRIVATE_KEY)."""
        out = {}
        for a in self.apps:
            path = os.path.join(self.dir, a, ".env")
            if not os.path.exists(path):
                continue
            with open(path) as f:
                lines = f.read().splitlines()
            for i, line in enumerate(lines):
                m = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=$", line)
                if m and i and "REQUIRED: set this before starting" in lines[i - 1]:
                    out.setdefault(a, []).append(m.group(1))
        return out

    def apply_readme_settings(self):
        """Does what a person does before the first start: for every required value render left empty
        that the rendered README gives a command for (a `…` span that names the variable, writes
        `.env` and prints the value: Saleor's RSA key), runs that command in the app's directory.
        Values the README only asks for (SMTP settings and the like) stay empty, as a person might
        leave them; each stand-in's spec says whether its app starts without them."""
        todo = self.required_settings()
        if not todo:
            return
        with open(os.path.join(self.dir, "README.md")) as f:
            readme = f.read()
        for app, names in todo.items():
            for name in names:
                env_path = os.path.join(self.dir, app, ".env")
                with open(env_path) as f:
                    if re.search(rf"^{name}=.+", f.read(), re.M):
                        continue  # set already (a re-render keeps what was set)
                commands = [c for c in re.findall(r"`([^`]+)`", readme)
                            if name in c and ".env" in c and ("printf" in c or "echo" in c)]
                if not commands:
                    continue
                p = subprocess.run(["/bin/bash", "-c", commands[0]], cwd=os.path.join(self.dir, app),
                                   capture_output=True, text=True, timeout=120)
                assert p.returncode == 0, f"{app}: the README's command for {name} exited {p.returncode}: {p.stderr}"
                with open(env_path) as f:
                    assert re.search(rf"^{name}=.+", f.read(), re.M), f"{app}: the README's command left {name} empty"

    def start(self, units=None):
        """ExecStartPre + ExecStart of the units, in unit order (After=); independent units in parallel."""
        # What needs no host port first, so the port lock is held only while the box runs.
        self.caddy_local_certs()
        self.fit_ulimits()
        self.apply_readme_settings()
        self.lock.acquire()
        all_units = self.units()
        todo = {n: u for n, u in all_units.items() if units is None or n in units}
        done = set()
        failures = []
        while todo:
            ready = [n for n, u in todo.items() if not any(a in todo for a in u.after if a != n)]
            assert ready, f"unit ordering cycle among {sorted(todo)}"
            with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(ready))) as pool:
                futs = {pool.submit(self._start_unit, todo[n]): n for n in ready}
                errors = []
                for f in concurrent.futures.as_completed(futs):
                    try:
                        f.result()
                    except AssertionError as e:
                        errors.append(str(e))
            for n in ready:
                done.add(n)
                todo.pop(n)
                self.started_units.append(n)
            # As systemd: a failed unit doesn't stop the others (Caddy only Wants= the apps).
            failures += errors
        if failures:
            raise AssertionError("\n\n".join(failures))

    def _start_unit(self, unit):
        unit.run("ExecStartPre")
        unit.run("ExecStart")

    def stop(self):
        for n in reversed(list(self.units())):
            self.units()[n].run("ExecStop")

    def reload_caddy(self):
        self.units()["selfhost-caddy.service"].run("ExecReload")

    # containers
    def compose(self, app, *args, check=True, timeout=600, **kw):
        return _run([DOCKER, "compose", *args], cwd=os.path.join(self.dir, app), check=check, timeout=timeout, **kw)

    def projects(self):
        names = [self.project(a) for a in self.apps if os.path.exists(os.path.join(self.dir, a, ".env"))]
        caddy_env = os.path.join(self.dir, "caddy", ".env")
        names.append(self.project("caddy") if os.path.exists(caddy_env) else "caddy")
        return names

    def containers(self, app=None):
        """[{app, service, id, name, state, health, restart, exit_code, mem_limit}] of the box (or one app)."""
        apps = [app] if app else self.apps + ["caddy"]
        # One `docker ps` and one `docker inspect` for the whole box (not a `compose ps` per app).
        by_dir = {os.path.realpath(os.path.join(self.dir, a)): a for a in apps
                  if os.path.isdir(os.path.join(self.dir, a))}
        ids = self.engine("ps", "-a", "-q", "--filter", "label=com.docker.compose.project").stdout.split()
        result = []
        for c in self.engine.inspect(*ids) if ids else []:
            labels = c["Config"]["Labels"] or {}
            wd = labels.get("com.docker.compose.project.working_dir")
            a = by_dir.get(os.path.realpath(wd)) if wd else None
            if a is None:
                continue
            health = (c["State"].get("Health") or {}).get("Status")
            result.append({
                "app": a,
                "service": c["Config"]["Labels"].get("com.docker.compose.service"),
                "id": c["Id"][:12], "name": c["Name"].lstrip("/"),
                "state": c["State"]["Status"], "health": health,
                "exit_code": c["State"].get("ExitCode"),
                "restart": c["HostConfig"].get("RestartPolicy", {}).get("Name"),
                "restarts": c.get("RestartCount", 0),
                "mem_limit": c["HostConfig"].get("Memory") or 0,
                "pid": c["State"].get("Pid"),
                "networks": c["NetworkSettings"]["Networks"],
                "image": c["Config"]["Image"],
                "started_at": _parse_time(c["State"].get("StartedAt")),
                "has_healthcheck": bool((c["Config"].get("Healthcheck") or {}).get("Test"))
                                   and c["Config"]["Healthcheck"]["Test"] != ["NONE"],
            })
        return result

    # A service without a healthcheck counts as up once it has run this long without a restart: a
    # stand-in whose connections fail exits 1 within 60 s (STANDIN_START_WAIT).
    STABLE_SECONDS = 75

    @staticmethod
    def container_ok(c):
        """Healthy; a one-shot helper (restart: on-failure/no) that exited 0; or, without a
        healthcheck, running for STABLE_SECONDS without a restart."""
        if c["restart"] in ("on-failure", "no", "") and c["state"] == "exited":
            return c["exit_code"] == 0
        if c["state"] != "running":
            return False
        if c["has_healthcheck"]:
            return c["health"] == "healthy"
        return c["restarts"] == 0 and c["started_at"] is not None and time.time() - c["started_at"] >= Box.STABLE_SECONDS

    def wait_healthy(self, timeout=600, apps=None, on_poll=None):
        """Waits until every container of the box (or of `apps`) is ok; returns the last states.
        Fails at the bound with each container that isn't, and the tail of its log."""
        deadline = time.monotonic() + timeout
        while True:
            states = [c for a in (apps or self.apps + ["caddy"]) for c in self.containers(a)]
            if on_poll:
                on_poll(states)
            bad = [c for c in states if not self.container_ok(c)]
            if states and not bad:
                return states
            if time.monotonic() > deadline:
                details = []
                for c in bad:
                    logs = self.engine("logs", "--tail", "15", c["id"], check=False)
                    details.append(f"{c['app']}/{c['service']}: state={c['state']} health={c['health']} "
                                   f"exit={c['exit_code']} restarts={c['restarts']}\n"
                                   + (logs.stdout + logs.stderr)[-1500:])
                raise AssertionError(f"not healthy within {timeout} s:\n" + "\n".join(details))
            time.sleep(5)

    # HTTP(S) through Caddy on this machine's 80/443
    def https(self, host, path="/", timeout=20):
        """GET over HTTPS through Caddy; behind an app's setup gate with its owner password
        (e2e/test_gate.py tests the gate itself, without this)."""
        auth = []
        for app in self.apps:
            pw = os.path.join(self.dir, app, "gate-password")
            if os.path.exists(pw) and self.host(app) == host:
                with open(pw) as f:
                    auth = ["-u", "owner:" + f.read().strip()]
        return _curl(["-k", *auth, "--resolve", f"{host}:443:127.0.0.1", f"https://{host}{path}"], timeout)

    def http(self, host, path="/", timeout=20):
        return _curl(["--resolve", f"{host}:80:127.0.0.1", f"http://{host}{path}"], timeout)

    def teardown(self):
        # Compose projects and networks have machine-wide names (selfhost-<app>, selfhost-caddy): a box
        # that never took the port lock never started, and `down` here would hit the box of another
        # run that holds it (found the hard way: a box stopped while waiting for the lock took down
        # another run's umami, listmonk and Caddy).
        if self.lock.fd is None and os.environ.get("E2E_PORT_LOCK_HELD") != "1":
            return
        try:
            for a in self.apps + ["caddy"]:
                if os.path.exists(os.path.join(self.dir, a, "compose.yaml")):
                    self.compose(a, "down", "-v", "--remove-orphans", "-t", "5", check=False, timeout=300)
            m = {}
            try:
                m = self.manifest()
            except (OSError, ValueError):
                pass
            for a in self.apps:
                self.engine("network", "rm", f"selfhost_{a}_web", check=False)
            # Caddy's own network (its published ports), made by its unit's ExecStartPre.
            self.engine("network", "rm", "selfhost-caddy_edge", check=False)
            del m
        finally:
            self.lock.release()


def _parse_time(text):
    """Docker's RFC 3339 timestamps (nanoseconds, Z) as epoch seconds."""
    if not text or text.startswith("0001-"):
        return None
    import datetime
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)", text)
    if not m:
        return None
    base = datetime.datetime.fromisoformat(m.group(1) + (m.group(3) if m.group(3) != "Z" else "+00:00"))
    return base.timestamp() + float(m.group(2) or 0)


def _curl(args, timeout):
    p = subprocess.run(["curl", "-sS", "-o", "-", "-w", "\n%{http_code} %{redirect_url}", "--max-time", str(timeout),
                        *args], capture_output=True, text=True, timeout=timeout + 10)
    body, _, tail = p.stdout.rpartition("\n")
    code, _, location = tail.partition(" ")
    return {"rc": p.returncode, "status": int(code) if code.isdigit() else 0, "location": location,
            "body": body, "stderr": p.stderr}


@pytest.fixture
def box_factory(selfhost, engine, tmp_path):
    boxes = []

    def make(apps, name="box"):
        b = Box(selfhost, engine, str(tmp_path / name), list(apps))
        boxes.append(b)
        return b

    yield make
    for b in reversed(boxes):
        b.teardown()


@pytest.fixture(scope="session")
def session_box_factory(selfhost, engine, tmp_path_factory):
    """As box_factory, for boxes shared by a module or the session."""
    boxes = []

    def make(apps, name="box"):
        b = Box(selfhost, engine, str(tmp_path_factory.mktemp(name)), list(apps))
        boxes.append(b)
        return b

    yield make
    for b in reversed(boxes):
        b.teardown()
