"""The box's life after the first render (issue 13), on the real engine, in one box:

(a) rendered in one directory with `--install-dir /srv/selfhost-e2e-box`, copied there and started
    from there (the units' command lines, as conftest does): both apps answer over HTTPS, and no
    file of the box names the directory it was rendered in;
(b) `render --remove listmonk` on the running two-app box, then the printed commands: umami keeps
    answering, listmonk's volumes stay; then `render --remove listmonk --purge` (after its backup) and
    its commands: the volumes, the web network and the directory go;
(c) `selfhost upgrade umami --apply` from a stand-in tag to a newer one (a `--catalog` overlay with the
    newer pin and an upgrade note with a one-shot command): backup taken, the command ran, the new tag
    runs healthy, the data is kept; then an upgrade to a tag whose stand-in fails its healthcheck:
    the health wait fails and prints the rollback, `upgrade --rollback --apply` performs it, and the
    previous tag runs again with its data.

The umami images are selfhost-life/umami:<tag>, thin layers over the umami stand-in
(scripts/e2e/images.sh), created and removed here. Timings go to $E2E_OUT/lifecycle.json.
"""
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import ROOT, Box, PortLock, _run

INSTALL = os.environ.get("E2E_INSTALL_DIR", "/srv/selfhost-e2e-box")
STANDIN = "ghcr.io/umami-software/umami:3.4.0"   # the shipped pin's stand-in, built by images.sh
IMAGE = "selfhost-life/umami"
OLD, NEW, BROKEN = "1.0.0", "1.1.0", "1.2.0"
HEALTH = int(os.environ.get("E2E_HEALTH_TIMEOUT", "600"))


def _overlay(root, tag, note=False):
    """A --catalog directory whose umami entry pins IMAGE:tag (and carries an upgrade note)."""
    with open(os.path.join(ROOT, "catalog", "apps", "umami.yaml")) as f:
        text = f.read()
    assert "name: ghcr.io/umami-software/umami" in text and 'tag: "3.4.0"' in text
    text = text.replace("name: ghcr.io/umami-software/umami", f"name: {IMAGE}", 1).replace('tag: "3.4.0"', f'tag: "{tag}"', 1)
    if note:
        text += (
            "upgrade:\n"
            '  - from: "1.x"\n'
            '    to: "1.x (newer)"\n'
            "    steps: [Back up first; the stand-in's one-shot command records the migration in the database.]\n"
            "    commands:\n"
            "      - service: db\n"
            "        run: >-\n"
            "          psql -v ON_ERROR_STOP=1 \"postgresql://umami:$POSTGRES_PASSWORD@db:5432/umami\"\n"
            "          -c \"CREATE TABLE IF NOT EXISTS life_migrations (tag text); INSERT INTO life_migrations VALUES ('migrated')\"\n")
    d = os.path.join(root, f"catalog-{tag}")
    os.makedirs(os.path.join(d, "apps"))
    with open(os.path.join(d, "apps", "umami.yaml"), "w") as f:
        f.write(text)
    return d


def _build_images(engine):
    assert engine("image", "inspect", STANDIN, check=False).returncode == 0, \
        f"{STANDIN} is missing: run scripts/e2e/images.sh"
    ctx = os.path.join(ROOT, ".build", "e2e-life-images")
    os.makedirs(ctx, exist_ok=True)
    for tag in (OLD, NEW):
        with open(os.path.join(ctx, "Dockerfile"), "w") as f:
            f.write(f"FROM {STANDIN}\nLABEL org.selfhost.e2e.life={tag}\n")
        engine("build", "-q", "-t", f"{IMAGE}:{tag}", ctx, env={**os.environ, "DOCKER_BUILDKIT": "0"})
    # Runs, answers 503 on the app's port: its rendered healthcheck (wget …/api/heartbeat) fails.
    server = ("import http.server as h\n"
              "class H(h.BaseHTTPRequestHandler):\n"
              "    def do_GET(self):\n"
              "        self.send_response(503); self.end_headers(); self.wfile.write(b'broken stand-in')\n"
              "h.ThreadingHTTPServer(('', 3000), H).serve_forever()\n")
    with open(os.path.join(ctx, "Dockerfile"), "w") as f:
        f.write(f"FROM {STANDIN}\nLABEL org.selfhost.e2e.life={BROKEN}\n"
                f"ENTRYPOINT [\"/usr/bin/python3\", \"-c\", {json.dumps(server)}]\n")
    engine("build", "-q", "-t", f"{IMAGE}:{BROKEN}", ctx, env={**os.environ, "DOCKER_BUILDKIT": "0"})


def _sh(cmd, timeout=300):
    """A printed server command, run here: as root already (no sudo), systemctl lines left to the caller."""
    p = subprocess.run(["/bin/sh", "-c", cmd.replace("sudo ", "")], capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, f"{cmd}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}"
    return p


def _until(fn, ok, tries=20, pause=3):
    r = fn()
    for _ in range(tries):
        if ok(r):
            break
        time.sleep(pause)
        r = fn()
    return r


def _psql(box, sql):
    return box.compose("umami", "exec", "-T", "db", "psql", "-U", "umami", "-d", "umami", "-tA", "-c", sql).stdout.strip()


def _volumes(engine, project):
    return sorted(engine("volume", "ls", "-q", "--filter", f"label=com.docker.compose.project={project}").stdout.split())


def _app_image(box):
    return [c["image"] for c in box.containers("umami") if c["service"] == "app"]


def test_lifecycle(selfhost, engine, tmp_path, out_dir, monkeypatch):
    figures = {}
    if os.path.exists(INSTALL):
        shutil.rmtree(INSTALL)  # left by an earlier run of this module
    t0 = time.monotonic()
    _build_images(engine)
    figures["images_s"] = round(time.monotonic() - t0, 1)
    cat_old, cat_new, cat_broken = (_overlay(str(tmp_path), OLD), _overlay(str(tmp_path), NEW, note=True),
                                    _overlay(str(tmp_path), BROKEN, note=True))
    monkeypatch.setenv("SELFHOST_CATALOG", cat_old)   # the box's renders see umami at IMAGE:OLD

    def selfhost_json(*args, ok=(0,)):
        p = _run([selfhost, *args, "--format", "json"], check=False, env={**os.environ, "SELFHOST_CATALOG": cat_old})
        assert p.returncode in ok, f"selfhost {' '.join(args)} exited {p.returncode}\n{p.stdout[-4000:]}\n{p.stderr[-3000:]}"
        return p.returncode, json.loads(p.stdout)

    # (a) Rendered here, installed at INSTALL.
    rendered = str(tmp_path / "rendered")
    box = Box.__new__(Box)   # a Box without its first render: that one needs --install-dir
    box.selfhost, box.engine, box.dir, box.apps, box.started_units, box.lock = selfhost, engine, rendered, [], [], PortLock()
    try:
        box.render("umami", "listmonk", extra=("--install-dir", INSTALL))
        for root, _, files in os.walk(rendered):
            for name in files:
                with open(os.path.join(root, name), errors="replace") as f:
                    # Only the README's render-side commands (`selfhost render … --out DIR`) name where it was rendered.
                    bad = [l for l in f if rendered in l and "selfhost render" not in l]
                assert not bad, f"{os.path.join(root, name)} names the render directory: {bad[:3]}"
        with open(os.path.join(rendered, "systemd", "selfhost-umami.service")) as f:
            assert f"WorkingDirectory={INSTALL}/umami" in f.read()
        shutil.copytree(rendered, INSTALL, symlinks=True)
        shutil.rmtree(rendered)
        box.dir = INSTALL
        t = time.monotonic()
        box.start()
        box.wait_healthy(timeout=HEALTH)
        for app in ("umami", "listmonk"):
            r = _until(lambda: box.https(box.host(app)), lambda r: r["status"] == 200)
            assert r["status"] == 200 and "stand-in for" in r["body"], (app, r)
        figures["a_start_to_https_s"] = round(time.monotonic() - t, 1)
        assert _app_image(box) == [f"{IMAGE}:{OLD}"]
        _psql(box, "CREATE TABLE life (v text); INSERT INTO life VALUES ('kept')")

        # (b) Remove listmonk from the running box; its data stays.
        t = time.monotonic()
        lm_project = box.project("listmonk")
        lm_volumes = _volumes(engine, lm_project)
        assert lm_volumes, "listmonk has volumes before"
        box._caddy_unpatch()
        _, report = selfhost_json("render", "--remove", "listmonk", "--out", INSTALL)
        removed = report["removed"][0]
        assert removed["id"] == "listmonk" and not removed["purge"]
        for cmd in removed["commands"]:
            if "systemctl" not in cmd:
                _sh(cmd)
        box.caddy_local_certs()
        box.reload_caddy()   # = systemctl reload selfhost-caddy.service
        assert not any(c["state"] == "running" for c in box.containers("listmonk"))
        assert _volumes(engine, lm_project) == lm_volumes, "listmonk's volumes are kept"
        assert os.path.isdir(os.path.join(INSTALL, "listmonk"))
        r = _until(lambda: box.https(box.host("umami")), lambda r: r["status"] == 200)
        assert r["status"] == 200, r
        gone = _until(lambda: box.https(box.host("listmonk")), lambda r: r["status"] != 200, tries=5)
        assert gone["status"] != 200, gone
        figures["b_remove_s"] = round(time.monotonic() - t, 1)

        # ... then purge it: a backup from the last day first (its own script), then the commands.
        t = time.monotonic()
        box.compose("listmonk", "up", "-d", "--wait", "db", timeout=600)
        _run([os.path.join(INSTALL, "listmonk", "backup.sh")], timeout=600)
        box._caddy_unpatch()
        _, report = selfhost_json("render", "--remove", "listmonk", "--purge", "--out", INSTALL)
        purged = report["removed"][0]
        assert purged["purge"] and purged["newest_backup"], purged
        for cmd in purged["commands"]:
            if "systemctl" not in cmd:
                _sh(cmd)
        box.caddy_local_certs()
        assert _volumes(engine, lm_project) == [], "purged: no volume left"
        assert not os.path.exists(os.path.join(INSTALL, "listmonk"))
        assert engine("network", "inspect", "selfhost_listmonk_web", check=False).returncode != 0
        assert "listmonk" not in json.load(open(os.path.join(INSTALL, ".selfhost", "manifest.json"))).get("images", {})
        box.apps.remove("listmonk")
        figures["b_purge_s"] = round(time.monotonic() - t, 1)

        # (c) Upgrade umami OLD → NEW.
        t = time.monotonic()
        box._caddy_unpatch()
        p = _run([selfhost, "upgrade", "--box", INSTALL, "--catalog", cat_new, "--dry-run"], env={**os.environ, "COLUMNS": "110"})
        with open(os.path.join(out_dir, "lifecycle-dry-run.txt"), "w") as f:
            f.write(p.stdout)
        rc, plan = selfhost_json("upgrade", "umami", "--box", INSTALL, "--catalog", cat_new, "--dry-run")
        assert plan["apps"][0]["changes"] == [{"service": "app", "from": f"{IMAGE}:{OLD}", "to": f"{IMAGE}:{NEW}"}]
        assert [s["name"] for s in plan["apps"][0]["steps"]] == ["backup", "render", "pull", "migrate", "up", "health"]
        rc, up = selfhost_json("upgrade", "umami", "--box", INSTALL, "--catalog", cat_new, "--apply", "--timeout", str(HEALTH))
        a = up["apps"][0]
        assert a["status"] == "upgraded", json.dumps(a, indent=1)
        steps = {s["name"]: s for s in a["steps"]}
        assert steps["pull"]["status"] == "skipped"       # the image is on this engine: nothing fetched
        assert all(steps[n]["status"] == "done" for n in ("backup", "render", "migrate", "up", "health")), steps
        assert a["backup"] and os.path.isdir(a["backup"]) and os.listdir(a["backup"]), a["backup"]
        assert _app_image(box) == [f"{IMAGE}:{NEW}"]
        assert _psql(box, "SELECT v FROM life") == "kept"
        assert _psql(box, "SELECT tag FROM life_migrations") == "migrated"
        box.caddy_local_certs()
        r = _until(lambda: box.https(box.host("umami")), lambda r: r["status"] == 200)
        assert r["status"] == 200, r
        figures["c_upgrade_s"] = round(time.monotonic() - t, 1)
        figures["c_upgrade_health_s"] = round(steps["health"]["seconds"], 1)
        figures["c_upgrade_backup_s"] = round(steps["backup"]["seconds"], 1)

        # ... then to a tag whose stand-in fails its healthcheck: the wait fails, the rollback is shown.
        t = time.monotonic()
        box._caddy_unpatch()
        # (In text, as a person sees it; the figures and the docs take it from $E2E_OUT/lifecycle-failed.txt.)
        p = _run([selfhost, "upgrade", "umami", "--box", INSTALL, "--catalog", cat_broken, "--apply", "--timeout", "45"],
                 check=False, env={**os.environ, "COLUMNS": "110"})
        with open(os.path.join(out_dir, "lifecycle-failed.txt"), "w") as f:
            f.write(p.stdout + p.stderr)
        assert p.returncode == 1, p.stdout + p.stderr
        assert "upgrade failed" in p.stdout and "FAILED  health" in p.stdout, p.stdout
        assert f"selfhost upgrade umami --rollback --apply --box {INSTALL}" in p.stdout, p.stdout
        assert _app_image(box) == [f"{IMAGE}:{BROKEN}"]
        last = json.load(open(os.path.join(INSTALL, ".selfhost", "manifest.json")))["history"]["umami"][-1]
        assert last["from"]["app"] == f"{IMAGE}:{NEW}" and last["to"]["app"] == f"{IMAGE}:{BROKEN}", last
        figures["c_failed_upgrade_s"] = round(time.monotonic() - t, 1)
        t = time.monotonic()
        rc, back = selfhost_json("upgrade", "umami", "--rollback", "--apply", "--box", INSTALL, "--catalog", cat_broken,
                                 "--timeout", str(HEALTH))
        with open(os.path.join(out_dir, "lifecycle-rollback.json"), "w") as f:
            json.dump(back, f, indent=2)
        a = back["apps"][0]
        assert a["status"] == "rolled_back", json.dumps(a, indent=1)
        assert _app_image(box) == [f"{IMAGE}:{NEW}"]
        assert _psql(box, "SELECT v FROM life") == "kept"
        box.caddy_local_certs()
        r = _until(lambda: box.https(box.host("umami")), lambda r: r["status"] == 200)
        assert r["status"] == 200, r
        figures["c_rollback_s"] = round(time.monotonic() - t, 1)
        history = json.load(open(os.path.join(INSTALL, ".selfhost", "manifest.json")))["history"]["umami"]
        assert [h["kind"] for h in history] == ["upgrade", "upgrade", "rollback"]
    finally:
        figures["total_s"] = round(time.monotonic() - t0, 1)
        with open(os.path.join(out_dir, "lifecycle.json"), "w") as f:
            json.dump(figures, f, indent=2)
        started = box.lock.fd is not None
        box.teardown()   # only if it started (held the port lock): the names are machine-wide
        if started:
            engine("network", "rm", "selfhost_listmonk_web", check=False)
        if os.path.exists(INSTALL):
            shutil.rmtree(INSTALL)
        for tag in (OLD, NEW, BROKEN):
            engine("image", "rm", f"{IMAGE}:{tag}", check=False)
