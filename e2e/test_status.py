"""`selfhost status` on a running box, on the real Docker Engine.

- every app of the box and every container under it, with health, restarts, memory against its
  mem_limit, image and tag; Caddy apart; a container of no app listed apart;
- a killed database process (kill -9 from the host) shows up as a restart;
- `--check`: exit 0 when all is well, 1 with a stopped container, 2 on bad input;
- the engine unreachable, the socket not ours (permission denied) and the engine going away in the
  middle of `--watch`: one clear error each, with the fix, never a hang;
- `--watch` in a real pseudo-terminal (tmux): it draws the table, fits a resized window, quits on
  `q` and on SIGTERM with the terminal put back (line mode and echo, main screen).
"""
import json
import os
import shutil
import socket
import subprocess
import threading
import time

import pytest

import boxdata
from conftest import DOCKER, Box, _run

HEALTH_TIMEOUT = int(os.environ.get("E2E_HEALTH_TIMEOUT", "1200"))
APPS = ["umami", "listmonk"]
TMUX = shutil.which("tmux")


@pytest.fixture(scope="module")
def box(selfhost, engine, catalog_apps, tmp_path_factory):
    missing = [a for a in APPS if a not in catalog_apps]
    if missing:
        pytest.skip(f"not in this run (E2E_APPS): {missing}")
    b = Box(selfhost, engine, str(tmp_path_factory.mktemp("status") / "box"), APPS)
    try:
        b.lock.acquire()
        b.start()
        b.wait_healthy(timeout=HEALTH_TIMEOUT)
        yield b
    finally:
        b.teardown()


def status(selfhost, box, *args, env=None, check_json=True):
    p = subprocess.run([selfhost, "status", "--box", box.dir, "--interval", "0.3", *args],
                       capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})
    return p


def report(selfhost, box):
    p = status(selfhost, box, "--format", "json")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_rows_for_every_app_and_container(selfhost, box, engine):
    r = report(selfhost, box)
    assert [a["id"] for a in r["apps"]] == sorted(APPS)
    for app in r["apps"]:
        expected = {c["service"] for c in box.containers(app["id"])}
        assert {c["service"] for c in app["containers"]} == expected, app
        assert app["url"] == f"https://{box.host(app['id'])}"
        for c in app["containers"]:
            assert c["state"] == "running", c
            assert c["health"] in ("healthy", None), c
            assert c["memory_limit_bytes"] and c["memory_bytes"] is not None and c["memory_bytes"] < c["memory_limit_bytes"], c
            assert c["tag"], c
            # Two samples 0.3 s apart: CPU % and rates are figures, not nulls.
            assert c["cpu_percent"] is not None and c["net_rx_bytes_per_second"] is not None, c
        assert app["backup"] is not None and app["backup"]["period_seconds"] == 86400
    assert [c["service"] for c in r["caddy"]] == ["caddy"]
    assert r["engine"]["version"] and r["host"]["memory_total_bytes"] > 0
    assert {d["purpose"] for d in r["host"]["disks"]} == {"docker", "backups"}
    # Every documented key is present.
    for key in ["box", "domain", "generated_at", "engine", "host", "apps", "caddy", "other_containers", "problems"]:
        assert key in r
    text = status(selfhost, box, env={"COLUMNS": "80"})
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert all(len(l) <= 80 for l in lines), [l for l in lines if len(l) > 80]
    for app in APPS:
        assert any(l.startswith(app) for l in lines), text.stdout


def test_container_of_no_app_is_listed_apart(selfhost, box, engine):
    name = "selfhost-e2e-stranger"
    engine("rm", "-f", name, check=False)
    engine("run", "-d", "--name", name, "--network", "none", boxdata.BACKUP_IMAGE, "sleep", "600")
    try:
        r = report(selfhost, box)
        assert name in [c["name"] for c in r["other_containers"]]
        assert name not in [c["name"] for a in r["apps"] for c in a["containers"]]
    finally:
        engine("rm", "-f", name, check=False)


def test_killed_database_shows_a_restart(selfhost, box, engine):
    app = "umami"
    def db():
        return next(c for a in report(selfhost, box)["apps"] if a["id"] == app for c in a["containers"] if c["service"] == "db")
    before = db()["restarts"]
    cid = next(c["id"] for c in box.containers(app) if c["service"] == "db")
    os.kill(engine.inspect(cid)[0]["State"]["Pid"], 9)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        now = db()
        if now["restarts"] > before:
            break
        time.sleep(1)
    assert now["restarts"] == before + 1, now
    box.wait_healthy(timeout=HEALTH_TIMEOUT, apps=[app])


def test_check_exit_codes(selfhost, box, engine):
    ok = status(selfhost, box, "--check")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    cid = next(c["id"] for c in box.containers("listmonk") if c["service"] == "app")
    engine("stop", "-t", "2", cid)
    try:
        bad = status(selfhost, box, "--check", "--format", "json")
        assert bad.returncode == 1, bad.stdout
        problems = json.loads(bad.stdout)["problems"]
        assert any(p["kind"] == "container" and "not running" in p["message"] for p in problems), problems
    finally:
        engine("start", cid)
    usage = status(selfhost, box, "--check", "--disk-threshold", "150")
    assert usage.returncode == 2 and "--disk-threshold" in usage.stderr
    # A disk threshold every disk is above: a problem.
    full = status(selfhost, box, "--check", "--disk-threshold", "1")
    assert full.returncode == 1 and "full" in full.stdout
    box.wait_healthy(timeout=HEALTH_TIMEOUT, apps=["listmonk"])


def test_engine_errors_are_clear_and_bounded(selfhost, box, tmp_path):
    missing = status(selfhost, box, env={"DOCKER_HOST": f"unix://{tmp_path}/none.sock"})
    assert missing.returncode == 1
    assert "no Docker Engine socket" in missing.stderr and "systemctl start docker" in missing.stderr
    as_json = status(selfhost, box, "--format", "json", env={"DOCKER_HOST": f"unix://{tmp_path}/none.sock"})
    assert json.loads(as_json.stdout)["error"]["exit_status"] == 1
    # The real socket (root:docker 0660) as a user outside the docker group.
    # (No --box: the test's box directory is root's alone.)
    if shutil.which("setpriv") and os.getuid() == 0:
        t0 = time.monotonic()
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", selfhost, "status"],
                           capture_output=True, text=True, timeout=60, cwd="/")
        assert p.returncode == 1, p.stdout + p.stderr
        assert "permission denied" in p.stderr and "docker group" in p.stderr, p.stderr
        assert time.monotonic() - t0 < 10


class SocketProxy:
    """Forwards a Unix socket to the engine's, until stopped: an engine that goes away."""

    def __init__(self, path, target="/var/run/docker.sock"):
        self.path, self.target = path, target
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(64)
        self.conns = []
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped:
            try:
                c, _ = self.server.accept()
            except OSError:
                return
            u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            u.connect(self.target)
            self.conns += [c, u]
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a, b):
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def stop(self):
        self.stopped = True
        self.server.close()
        os.unlink(self.path)
        for s in self.conns:
            try:
                s.close()
            except OSError:
                pass


class Tmux:
    def __init__(self, tmp, width=120, height=40):
        self.name = f"selfhost-e2e-{os.getpid()}"
        self.tmp = tmp
        _run([TMUX, "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), "sh"])
        _run([TMUX, "set-option", "-t", self.name, "remain-on-exit", "on"])

    def send(self, *keys):
        _run([TMUX, "send-keys", "-t", self.name, *keys])

    def screen(self):
        return _run([TMUX, "capture-pane", "-p", "-t", self.name]).stdout

    def wait_for(self, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = self.screen()
            if predicate(s):
                return s
            time.sleep(0.3)
        raise AssertionError(f"screen never matched:\n{self.screen()}")

    def resize(self, width, height):
        _run([TMUX, "resize-window", "-t", self.name, "-x", str(width), "-y", str(height)])

    def kill(self):
        _run([TMUX, "kill-session", "-t", self.name], check=False)


@pytest.mark.skipif(TMUX is None and os.environ.get("CI") != "true", reason="tmux not installed")
def test_watch_in_a_terminal(selfhost, box, tmp_path):
    assert TMUX, "tmux is not installed (scripts/e2e/engine.sh installs it)"
    t = Tmux(tmp_path)
    done = tmp_path / "done"
    try:
        # The shell records the terminal's modes before and after, and the exit status.
        t.send(f"stty -g > {tmp_path}/before; {selfhost} status --box {box.dir} --watch 1; echo $? > {done}; stty -g > {tmp_path}/after", "Enter")
        screen = t.wait_for(lambda s: "APP / SERVICE" in s and "umami" in s and "q quit" in s)
        assert "listmonk" in screen and "caddy" in screen
        # Redrawn in place: the clock in the title moves, the table stays one table.
        first = screen.splitlines()[0]
        t.wait_for(lambda s: s.splitlines()[0] != first, timeout=10)
        assert t.screen().count("APP / SERVICE") == 1
        # A narrower window: every line fits at once.
        t.resize(60, 30)
        t.wait_for(lambda s: all(len(l) <= 60 for l in s.splitlines()) and "APP / SERVICE" in s, timeout=10)
        t.send("s")
        t.wait_for(lambda s: "sort: cpu" in s, timeout=10)
        t.send("q")
        deadline = time.monotonic() + 15
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.read_text().strip() == "0"
        time.sleep(0.5)
        before, after = (tmp_path / "before").read_text(), (tmp_path / "after").read_text()
        assert before == after, "the terminal's modes were not restored"
        assert "APP / SERVICE" not in t.screen(), "still on the alternate screen"

        # SIGTERM ends it the same way.
        done.unlink()
        t.send(f"{selfhost} status --box {box.dir} --watch 1; echo $? > {done}; stty -g > {tmp_path}/after2", "Enter")
        t.wait_for(lambda s: "APP / SERVICE" in s)
        pid = int(_run(["pgrep", "-n", "-f", f"status --box {box.dir} --watch 1"]).stdout.split()[0])
        os.kill(pid, 15)
        deadline = time.monotonic() + 15
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.exists(), "SIGTERM did not end --watch"
        time.sleep(0.5)
        assert (tmp_path / "after2").read_text() == before

        # The engine going away mid-watch: one clear error, terminal restored, exit 1.
        done.unlink()
        sock = str(tmp_path / "engine.sock")
        proxy = SocketProxy(sock)
        t.send(f"DOCKER_HOST=unix://{sock} {selfhost} status --box {box.dir} --watch 1 2> {tmp_path}/err; echo $? > {done}; stty -g > {tmp_path}/after3", "Enter")
        t.wait_for(lambda s: "APP / SERVICE" in s)
        proxy.stop()
        deadline = time.monotonic() + 20
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert done.exists(), "--watch hung when the engine went away"
        assert done.read_text().strip() == "1"
        err = (tmp_path / "err").read_text()
        assert "Docker Engine" in err and "hint:" in err, err
        time.sleep(0.5)
        assert (tmp_path / "after3").read_text() == before
    finally:
        t.kill()


def test_watch_needs_a_terminal(selfhost, box):
    p = status(selfhost, box, "--watch", "1")
    assert p.returncode == 2 and "terminal" in p.stderr
