"""Every backup of every app that keeps data restores, on a real Docker Engine.

For every renderable app whose rendered backup.sh dumps a database or archives a volume: known rows
go into each dumped database and known files into each archived volume; the rendered backup.sh runs
(into this test's own directory); `docker compose down -v` destroys everything; the restore block
taken from the rendered README runs as written; every row and file must be back and every container
healthy (the stand-ins' healthchecks fail while a database login fails). Then the same backups are
restored onto a freshly rendered box in another directory, started first with its own new secrets
(a new server): the README's block must bring the old .env back and a database that accepts it.
Retention (KEEP=2 over three runs leaves the newest two), file modes, and two runs at once too.
Results per app go to $E2E_OUT/restore-table.md.
"""
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import time

import pytest

import boxdata
from conftest import Box, _run

HEALTH_TIMEOUT = int(os.environ.get("E2E_HEALTH_TIMEOUT", "1200"))
RESTORE_TIMEOUT = int(os.environ.get("E2E_RESTORE_TIMEOUT", "900"))
WORKERS = int(os.environ.get("E2E_RESTORE_WORKERS", "8"))
# Apps per box. Every app that keeps data goes into one box by default: render gives every network
# of a box its own subnet (web/backend/egress 10.231-233.N.0/24), so Docker's default address pools,
# which used to run out at about 30 networks, no longer limit a box; and each box start waits out
# healthcheck intervals and start periods, so fewer boxes is what keeps this module short.
BATCH = int(os.environ.get("E2E_RESTORE_BATCH", "0")) or 1000
# Which apps the second phase (another server) restores: "all" (the default), or a comma-separated
# list. CI names a subset that covers every kind of dump and volume (scripts/test.sh, docs/E2E.md);
# every app still goes through the first phase (backup, `down -v`, the README's block, rows back).
NEW_BOX_APPS = os.environ.get("E2E_NEW_BOX_APPS", "all").strip() or "all"


def _new_box_apps(apps):
    if NEW_BOX_APPS == "all":
        return list(apps)
    wanted = {a.strip() for a in NEW_BOX_APPS.split(",") if a.strip()}
    return [a for a in apps if a in wanted]


def _missing_standins(out_dir):
    path = os.path.join(out_dir, "images.json")
    if not os.path.exists(path):
        return set()
    with open(path) as f:
        missing = json.load(f).get("missing", [])
    return {a for m in missing for a in re.findall(r"([a-z0-9-]+)/", m.split("(used by", 1)[-1])}


class Results:
    def __init__(self):
        self.plans = {}          # app -> boxdata.Plan
        self.unsupported = {}    # app -> reason
        self.same_box = {}       # app -> (ok, detail)
        self.new_box = {}        # app -> (ok, detail)
        self.backups = {}        # app -> backup directory
        self.error = None
        self.box = None
        self.timings = {}
        self.app_seconds = {}    # (app, "same"|"new") -> wall seconds of that app's part of the phase
        self.started_twice = []  # apps whose unit failed once while their box started (see _start_box)


def _module_box(selfhost, engine, root, apps, name):
    return Box(selfhost, engine, str(root / name), list(apps))


def _check_restored(box, app, plan, token, backup_dir, engine):
    want = boxdata.expected(plan, token)
    p = boxdata.restore(box, app, backup_dir, timeout=RESTORE_TIMEOUT)
    if p.returncode != 0:
        return False, f"README restore block exited {p.returncode}\n{p.stdout[-2000:]}\n{p.stderr[-3000:]}"
    try:
        boxdata.wait_ready(box, apps=[app], timeout=HEALTH_TIMEOUT)
        boxdata.wait_answer(box, app)
    except AssertionError as e:
        return False, f"not up after the restore: {e}"[:4000]
    got = boxdata.read_back(box, plan)
    if got != want:
        return False, f"data after restore differs:\n want {want}\n got  {got}"
    # The app's own rendered healthchecks, run once now: they fail while a database login fails.
    for c in box.containers(app):
        if c["state"] == "running" and c["health"] is not None:
            rc = _healthcheck(engine, c["id"])
            if rc != 0:
                return False, f"{c['service']}: its healthcheck exits {rc} after the restore"
    return True, f"{len(want)} parts back ({', '.join(sorted(want))})"


def _healthcheck(engine, container_id):
    test = engine.inspect(container_id)[0]["Config"]["Healthcheck"]["Test"]
    argv = ["sh", "-c", test[1]] if test[0] == "CMD-SHELL" else test[1:]
    return engine("exec", container_id, *argv, check=False, timeout=60).returncode


@pytest.fixture(scope="module")
def restored(selfhost, engine, catalog_apps, out_dir, tmp_path_factory):
    r = Results()
    r.out_dir = out_dir
    root = tmp_path_factory.mktemp("backup")
    skipped = _missing_standins(out_dir)
    candidates = [a for a in catalog_apps if a not in skipped]

    # Which apps keep data, from their rendered backup.sh.
    probe = _module_box(selfhost, engine, root, candidates, "probe")
    for a in candidates:
        plan = boxdata.backup_plan(probe, a)
        if plan.keeps_data:
            r.plans[a] = plan
            ok, why = boxdata.supported(plan)
            if not ok:
                r.unsupported[a] = why
    apps = [a for a in r.plans if a not in r.unsupported]
    # umami and listmonk first: retention, two runs at once and the old-procedure control use them.
    apps.sort(key=lambda a: (a not in ("umami", "listmonk"), a))
    tokens = {}
    # In batches of E2E_RESTORE_BATCH apps (default: all in one box).
    for n, i in enumerate(range(0, len(apps), BATCH)):
        _batch(r, selfhost, engine, root, apps[i:i + BATCH], tokens, n)
    _write_table(r, out_dir)
    yield r


def _start_box(box, apps, timeout):
    """Starts the box and waits for it. An app whose unit fails (under load a companion's first start can
    outlast its healthcheck's grace, and Compose then gives up on the app: docs/E2E.md, "A slow first
    start fails the unit for good") gets its unit's ExecStart once more, as `systemctl restart` would;
    an app that fails again, or doesn't get ready, is left out of this box with the reason, and the
    others go on. Caddy failing fails the box. Returns ({app: reason left out}, [apps started twice])."""
    left_out, retried = {}, []
    try:
        box.start()
    except AssertionError as e:
        msg = str(e)
        retried = [a for a in apps if re.search(rf"(^|\s)selfhost-{re.escape(a)}\.service Exec", msg)]
        if not retried or "selfhost-caddy.service Exec" in msg:
            raise
        units = box.units()

        def again(a):
            try:
                units[f"selfhost-{a}.service"].run("ExecStart")
            except AssertionError as e2:
                return f"its unit failed twice; the second time: {str(e2)[-1500:]}"

        # In parallel, as the first start ran them (each `up` waits on its own healthchecks).
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, len(retried))) as pool:
            for a, why in zip(retried, pool.map(again, retried)):
                if why:
                    left_out[a] = why
    try:
        boxdata.wait_ready(box, apps=[a for a in apps if a not in left_out] + ["caddy"], timeout=timeout)
    except AssertionError:
        for a in apps:
            bad = [c for c in box.containers(a) if not boxdata.ready(c)] if a not in left_out else []
            if bad:
                left_out[a] = f"not ready within {timeout} s: " + "; ".join(
                    f"{c['service']} state={c['state']} health={c['health']}" for c in bad)
        if any(not boxdata.ready(c) for c in box.containers("caddy")) or not box.containers("caddy"):
            raise
    return left_out, retried


def _batch(r, selfhost, engine, root, apps, tokens, n):

    # --- 1. the same box: seed, back up, destroy, restore from the README ---
    box = _module_box(selfhost, engine, root, apps, f"a{n}")
    try:
        t0 = time.monotonic()
        left_out, retried = _start_box(box, apps, HEALTH_TIMEOUT)
        r.timings[f"batch{n}_box_a_ready_s"] = round(time.monotonic() - t0)
        r.started_twice += [f"{a} (same box)" for a in retried]
        for a, why in left_out.items():
            r.same_box[a] = (False, f"the first box didn't start it: {why}")
        apps_a = [a for a in apps if a not in left_out]

        def same_box(app):
            t_app = time.monotonic()
            try:
                return _same_box(app)
            finally:
                r.app_seconds[(app, "same")] = round(time.monotonic() - t_app)

        def _same_box(app):
            plan = r.plans[app]
            try:
                tokens[app] = boxdata.seed(box, plan)
                assert boxdata.read_back(box, plan) == boxdata.expected(plan, tokens[app]), "seeding didn't take"
                dest = boxdata.backup(box, app, str(root / "backups" / app))
                r.backups[app] = dest
                bad_modes = {n: m for n, m in boxdata.modes(dest).items() if m != ("0o700" if n == "." else "0o600")}
                if bad_modes:
                    return False, f"backup modes: {bad_modes}"
                box.compose(app, "down", "-v", "-t", "5")
                left = _run([engine.docker, "volume", "ls", "-q", "--filter",
                             f"label=com.docker.compose.project={box.project(app)}"]).stdout.split()
                if left:
                    return False, f"down -v left volumes {left}"
                return _check_restored(box, app, plan, tokens[app], dest, engine)
            except AssertionError as e:
                return False, str(e)[:4000]

        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for app, res in zip(apps_a, pool.map(same_box, apps_a)):
                r.same_box[app] = res
        r.timings[f"batch{n}_same_box_restore_s"] = round(time.monotonic() - t0)
        _write_table(r, r.out_dir)   # the first phase's results, before the (long) second one
        r.box = box
        try:
            if not hasattr(r, "retention"):
                _retention_and_concurrency(r, box, root)
        except AssertionError as e:
            r.retention = r.concurrent = (False, str(e)[:3000])
    except AssertionError as e:
        r.error = (r.error or "") + f"batch {n} ({', '.join(apps)}), first box: {str(e)[:3000]}\n"
        return
    finally:
        box.teardown()

    # --- 2. another server: a fresh box, started with new secrets, then the README restore ---
    apps = _new_box_apps(apps)
    for a in r.plans:
        if a not in apps and a not in r.new_box:
            r.new_box[a] = (None, f"not in E2E_NEW_BOX_APPS ({NEW_BOX_APPS})")
    if apps:
        fresh = _module_box(selfhost, engine, root, apps, f"b{n}")
        try:
            t0 = time.monotonic()
            left_out, retried = _start_box(fresh, apps, HEALTH_TIMEOUT)
            r.timings[f"batch{n}_box_b_ready_s"] = round(time.monotonic() - t0)
            r.started_twice += [f"{a} (new box)" for a in retried]
            for a, why in left_out.items():
                r.new_box[a] = (False, f"the fresh box didn't start it: {why}")
            apps_b = [a for a in apps if a not in left_out]
            for a in apps_b:
                if a in r.backups:
                    # Only secrets are new on another server: an app whose .env holds none (gatus,
                    # owncast) renders the same .env everywhere, and that proves nothing either way.
                    old = _env_file(r.backups[a])
                    secret = [k for k in old if re.search(r"PASSWORD|SECRET|KEY|TOKEN|SALT", k) and old[k]]
                    if secret:
                        new = fresh.env(a)
                        assert any(new.get(k) != old[k] for k in secret), \
                            f"{a}: the fresh box has the old secrets already ({', '.join(secret)})"
            if not hasattr(r, "old_procedure"):
                control = _old_procedure_fails(fresh, engine, r, tokens, apps_b)
                if control is not None:
                    r.old_procedure = control

            def new_box(app):
                t_app = time.monotonic()
                try:
                    return _new_box(app)
                finally:
                    r.app_seconds[(app, "new")] = round(time.monotonic() - t_app)

            def _new_box(app):
                if app not in r.backups:
                    return False, "no backup from the first box"
                ok, detail = _check_restored(fresh, app, r.plans[app], tokens[app], r.backups[app], engine)
                if ok and fresh.env(app) != _env_file(r.backups[app]):
                    return False, "the restored .env is not the backed-up one"
                return ok, detail

            with concurrent.futures.ThreadPoolExecutor(max_workers=WORKERS) as pool:
                for app, res in zip(apps_b, pool.map(new_box, apps_b)):
                    r.new_box[app] = res
            r.timings[f"batch{n}_new_box_restore_s"] = round(time.monotonic() - t0)
        except AssertionError as e:
            r.error = (r.error or "") + f"batch {n} ({', '.join(apps)}), fresh box: {str(e)[:3000]}\n"
        finally:
            fresh.teardown()


def _env_file(backup_dir):
    values = {}
    with open(os.path.join(backup_dir, ".env")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                k, _, v = line.partition("=")
                v = v.strip()
                if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
                    v = v[1:-1]
                values[k.strip()] = v
    return values


def _retention_and_concurrency(r, box, root):
    """On the first box, after its restores: retention and concurrent runs of one app's backup.sh."""
    app = next((a for a in ("umami", "listmonk") if a in r.same_box and r.same_box[a][0] and a in box.apps), None)
    if app is None:
        return
    d = str(root / "retention" / app)
    made = [boxdata.backup(box, app, d, keep=2) for _ in range(3)]
    left = boxdata.backups_in(d)
    r.retention = (left == sorted(os.path.basename(m) for m in made[1:]),
                   f"KEEP=2 over three runs: made {[os.path.basename(m) for m in made]}, left {left}")
    # Two runs at once (the issue: the same second, one `.partial`): both succeed, two backups.
    c = str(root / "concurrent" / app)
    procs = [boxdata.run_backup(box, app, c, keep=5) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    left = boxdata.backups_in(c)
    hidden = sorted(n for n in os.listdir(c) if n.startswith("."))
    r.concurrent = (all(p.returncode == 0 for p in procs) and len(left) == 2 and hidden == [".lock"],
                    f"exit {[p.returncode for p in procs]}, backups {left}, hidden {hidden}, "
                    f"stderr {[o[1][-500:] for o in outs]}")


def _old_procedure_fails(fresh, engine, r, tokens, apps):
    """The issue's procedure (keep the new box's database volume, put the old .env back, load the
    dump) on the fresh box: the app can't log in. Proves the new README block is what fixes it."""
    app = next((a for a in ("umami", "listmonk") if a in r.backups and a in apps), None)
    if app is None:
        return None
    d = r.plans[app].dumps[0]
    b = r.backups[app]
    fresh.compose(app, "down")
    shutil.copy(os.path.join(b, ".env"), os.path.join(fresh.dir, app, ".env"))
    fresh.compose(app, "up", "-d", "--wait", d["service"], timeout=600)
    with open(os.path.join(b, d["file"]), "rb") as f:
        subprocess.run([engine.docker, "compose", "exec", "-T", d["service"], "sh", "-c",
                        'pg_restore -U "${POSTGRES_USER:-postgres}" --clean --if-exists -d "$1"', "sh", d["database"]],
                       cwd=os.path.join(fresh.dir, app), stdin=f, capture_output=True, timeout=300)
    fresh.compose(app, "up", "-d")
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        logs = ""
        for c in fresh.containers(app):
            if c["service"] != d["service"]:
                p = _run([engine.docker, "logs", c["id"]], check=False)
                logs += p.stdout + p.stderr
        if "password authentication failed" in logs:
            return (True, f"{app}: with the old procedure its stand-in logs 'password authentication failed'")
        time.sleep(5)
    return (False, f"{app}: the old procedure did not fail within 150 s (the test can't see the defect)")


def _write_table(r, out_dir):
    lines = ["| app | dumps | volumes | restored (same box) | restored (new box) |", "|---|---|---|---|---|"]
    secs = r.app_seconds
    for app in sorted(r.plans):
        plan = r.plans[app]
        dumps = ", ".join(f"{d['service']}/{d['database']} ({d['kind']})" for d in plan.dumps) or "-"
        vols = ", ".join(v["name"] for v in plan.volumes) or "-"
        if app in r.unsupported:
            a = b = "not provable here: " + r.unsupported[app]
        else:
            a = "yes" if r.same_box.get(app, (False,))[0] else "NO"
            b = {True: "yes", None: "not run (E2E_NEW_BOX_APPS)"}.get(r.new_box.get(app, (False,))[0], "NO")
            # Per app: seed, backup.sh, down -v, README block, read back (same box); README block and
            # read back (new box). They run E2E_RESTORE_WORKERS at a time, so they overlap.
            if (app, "same") in secs:
                a += f" ({secs[(app, 'same')]} s)"
            if (app, "new") in secs:
                b += f" ({secs[(app, 'new')]} s)"
        lines.append(f"| {app} | {dumps} | {vols} | {a} | {b} |")
    lines.append("")
    lines.append(f"timings: {r.timings}")
    if r.started_twice:
        lines.append(f"units that failed once at the box's start and were started again: {', '.join(r.started_twice)}")
    for which, results in (("same box", r.same_box), ("new box", r.new_box)):
        for app in sorted(results):
            if results[app][0] is False:
                lines.append(f"- {app}, {which}: {results[app][1][:1500]}")
    if r.error:
        lines.append(f"error: {r.error[:1500]}")
    with open(os.path.join(out_dir, "restore-table.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))


def pytest_generate_tests(metafunc):
    if "app" in metafunc.fixturenames:
        metafunc.parametrize("app", boxdata.renderable_apps())


def _result(restored, app, which):
    if app not in restored.plans:
        pytest.skip(f"{app} keeps no data (its backup.sh dumps nothing and archives no volume)")
    if app in restored.unsupported:
        pytest.xfail(restored.unsupported[app])
    res = which.get(app)
    assert res is not None, f"{app}: not run\n{restored.error or ''}"[:6000]
    if res[0] is None:
        pytest.skip(res[1])
    assert res[0], f"{app}: {res[1]}"


def test_restored_same_box(restored, app):
    _result(restored, app, restored.same_box)


def test_restored_on_new_box(restored, app):
    _result(restored, app, restored.new_box)


def test_no_error(restored):
    assert restored.error is None, restored.error


def _skip_without_control_app(restored, attr):
    """These checks run on umami or listmonk; a subset (E2E_APPS) without either has nothing to check."""
    if not hasattr(restored, attr) and not any(a in restored.plans for a in ("umami", "listmonk")):
        pytest.skip("runs on umami or listmonk, and E2E_APPS selects neither")


def test_retention_keep_two(restored):
    _skip_without_control_app(restored, "retention")
    ok, detail = getattr(restored, "retention", (False, "not run"))
    assert ok, detail


def test_two_backups_at_once(restored):
    _skip_without_control_app(restored, "concurrent")
    ok, detail = getattr(restored, "concurrent", (False, "not run"))
    assert ok, detail


def test_old_restore_procedure_fails(restored):
    """Control: the issue's old procedure really loses the login here, so the suite can see it."""
    _skip_without_control_app(restored, "old_procedure")
    ok, detail = getattr(restored, "old_procedure", (False, "not run"))
    assert ok, detail
