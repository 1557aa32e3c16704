"""What a rendered box keeps, read from its own files, and known data written into it and read back.

Used by test_backup.py and test_resilience.py. Nothing here is hard-coded per app: which databases
a box dumps and which volumes it archives come from the rendered `<app>/backup.sh` (its
`# <service>: database <name>` and `# Volume <name>,` lines), and the restore commands come from
the rendered README (the fenced block under the app's "To restore"), so the test and the README
cannot drift apart.
"""
import json
import os
import re
import secrets
import stat
import subprocess
import time

from conftest import DOCKER, ROOT, _run

BACKUP_IMAGE = os.environ.get("E2E_BACKUP_IMAGE", "alpine:3.22")


def renderable_apps():
    """Ids of every renderable app (for parametrising at collection time; E2E_APPS narrows it)."""
    binary = os.environ.get("SELFHOST") or os.path.join(
        _run(["swift", "build", "--show-bin-path"], cwd=ROOT, check=False).stdout.strip(), "selfhost")
    data = json.loads(_run([binary, "catalog", "list", "--format", "json"]).stdout)
    if isinstance(data, dict):
        data = data.get("apps", data.get("items", []))
    ids = sorted(a["id"] for a in data if a.get("renderable", a.get("install", {}).get("renderable")))
    only = os.environ.get("E2E_APPS")
    return [i for i in ids if i in only.split(",")] if only else ids


class Plan:
    """The databases and volumes of one app's backup, as its backup.sh has them."""

    def __init__(self, app, dumps, volumes):
        self.app = app
        self.dumps = dumps        # [{"service", "database", "kind", "file"}], kind: postgres|mysql|mongo|redis
        self.volumes = volumes    # [{"name", "file"}]

    @property
    def keeps_data(self):
        return bool(self.dumps or self.volumes)


def ready(c):
    """Running, and healthy where the service has a healthcheck; or a one-shot helper that exited 0.
    (Some rendered web services have no healthcheck yet; test_apps reports those. Here an app's
    login to its database is proved by its stand-in's HTTPS answer instead: see `wait_answer`.)"""
    if c["restart"] in ("on-failure", "no", "") and c["state"] == "exited":
        return c["exit_code"] == 0
    return c["state"] == "running" and c["health"] in (None, "healthy")


def wait_ready(box, apps=None, timeout=900):
    deadline = time.monotonic() + timeout
    while True:
        states = [c for a in (apps or box.apps + ["caddy"]) for c in box.containers(a)]
        bad = [c for c in states if not ready(c)]
        if states and not bad:
            return states
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready within {timeout} s: " + "; ".join(
                f"{c['app']}/{c['service']} state={c['state']} health={c['health']} exit={c['exit_code']}" for c in bad))
        time.sleep(3)


def wait_answer(box, app, timeout=300):
    """Waits for 200 from the app through Caddy over HTTPS. A stand-in answers 200 only while every
    connection it makes with the compose file's credentials (database login included) passes."""
    deadline = time.monotonic() + timeout
    r = box.https(box.host(app), "/")
    while r["status"] != 200 and time.monotonic() < deadline:
        time.sleep(3)
        r = box.https(box.host(app), "/")
    if r["status"] != 200:
        raise AssertionError(f"https://{box.host(app)}/ answers {r['status']} (rc {r['rc']}): {r['body'][:500]}")
    return r


def backup_plan(box, app):
    path = os.path.join(box.dir, app, "backup.sh")
    with open(path) as f:
        lines = f.read().splitlines()
    dumps, volumes = [], []
    for i, line in enumerate(lines):
        m = re.match(r"^# (\S+): database (\S+)$", line)
        if m and i + 1 < len(lines):
            cmd = next((c for c in lines[i + 1:] if c.strip() and not c.startswith("#")), "")
            kind = ("postgres" if "pg_dump" in cmd else "mysql" if "mysqldump" in cmd or "mariadb-dump" in cmd
                    else "mongo" if "mongodump" in cmd else "redis" if "redis-cli" in cmd
                    else "clickhouse" if "clickhouse-client" in cmd else None)
            file = re.search(r'"\$PARTIAL/([^"]+)"', cmd)
            assert kind and file, f"{path}:{i + 2}: a dump line this test doesn't know: {cmd}"
            dumps.append({"service": m.group(1), "database": m.group(2), "kind": kind, "file": file.group(1)})
        m = re.match(r"^# Volume (\S+), archived", line)
        if m:
            volumes.append({"name": m.group(1), "file": f"volume-{m.group(1)}.tar.gz"})
    return Plan(app, dumps, volumes)


def restore_block(box, app):
    """The README's restore block for `app`: the ```sh block that starts with `cd <box>/<app>`."""
    with open(os.path.join(box.dir, "README.md")) as f:
        readme = f.read()
    want = f"cd {os.path.join(box.dir, app)}\n"
    # Fences at the start of a line only: an indented ```sh block (the setup gate's "lift" step) must not
    # swallow the opening fence of the next app's restore block.
    for m in re.finditer(r"^```sh\n(.*?)\n```$", readme, re.S | re.M):
        block = m.group(1)
        if block.startswith("(\nset -euo pipefail\n" + want):
            return block
    raise AssertionError(f"README.md has no restore block starting with `{want.strip()}`")


# --- known data -----------------------------------------------------------------------------------

_SQL_SEED = ("CREATE TABLE e2e_restore (id INTEGER PRIMARY KEY, token VARCHAR(200) NOT NULL);\n"
             "INSERT INTO e2e_restore VALUES (1, '{t}-one'), (2, '{t}-two'), (3, '{t}-three ünïcode');\n")
_PG_READ = "SELECT string_agg(id || ':' || token, ',' ORDER BY id) FROM e2e_restore"
_MY_READ = "SELECT GROUP_CONCAT(CONCAT(id, ':', token) ORDER BY id SEPARATOR ',') FROM e2e_restore"
# The client and login backup.sh itself uses.
_MY_CLIENT = ('exec "$(command -v mariadb || command -v mysql)" -N -B -u"${MARIADB_USER:-${MYSQL_USER:-root}}" '
              '-p"${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-${MARIADB_ROOT_PASSWORD:-$MYSQL_ROOT_PASSWORD}}}" "$1"')
_PG_CLIENT = 'exec psql -X -q -t -A -v ON_ERROR_STOP=1 -U "${POSTGRES_USER:-postgres}" -d "$1"'


def expected_rows(token):
    return f"1:{token}-one,2:{token}-two,3:{token}-three ünïcode"


def _db_exec(box, app, dump, sql):
    client = _PG_CLIENT if dump["kind"] == "postgres" else _MY_CLIENT
    p = box.compose(app, "exec", "-T", dump["service"], "sh", "-c", client, "sh", dump["database"],
                    input=sql, check=False, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"{app}/{dump['service']}: SQL on {dump['database']} exited {p.returncode}: {p.stdout}{p.stderr}")
    return p.stdout.strip()


def _volume_sh(box, app, volume, script, check=True):
    return subprocess.run([DOCKER, "run", "--rm", "--network", "none", "-v", f"{box.project(app)}_{volume}:/v",
                           BACKUP_IMAGE, "sh", "-c", script], capture_output=True, text=True, timeout=120, check=check)


def supported(plan):
    """(ok, reason): whether this suite can seed and read back every part of the plan."""
    for d in plan.dumps:
        if d["kind"] not in ("postgres", "mysql"):
            return False, (f"{plan.app}/{d['service']}: {d['kind']} runs as a wiring stand-in here (no Debian "
                           f"package), which can't dump or restore data")
    return True, ""


def seed(box, plan, token=None):
    """Writes known rows into every dumped database and known files into every archived volume."""
    token = token or secrets.token_hex(6)
    for d in plan.dumps:
        _db_exec(box, plan.app, d, _SQL_SEED.format(t=token))
    for v in plan.volumes:
        _volume_sh(box, plan.app, v["name"],
                   f"mkdir -p /v/e2e-restore/deeper && printf '%s' '{token}-file' > /v/e2e-restore/marker.txt"
                   f" && printf '%s' '{token}-deeper' > /v/e2e-restore/deeper/second.txt")
    return token


def read_back(box, plan):
    """{part: what it holds now} for every database and volume of the plan (None when absent)."""
    found = {}
    for d in plan.dumps:
        key = f"{d['service']}/{d['database']}"
        try:
            found[key] = _db_exec(box, plan.app, d, (_PG_READ if d["kind"] == "postgres" else _MY_READ) + ";\n")
        except AssertionError as e:
            found[key] = f"<unreadable: {str(e)[:300]}>"
    for v in plan.volumes:
        p = _volume_sh(box, plan.app, v["name"], "cat /v/e2e-restore/marker.txt; echo; cat /v/e2e-restore/deeper/second.txt",
                       check=False)
        found[f"volume {v['name']}"] = p.stdout.strip() if p.returncode == 0 else None
    return found


def expected(plan, token):
    want = {}
    for d in plan.dumps:
        want[f"{d['service']}/{d['database']}"] = expected_rows(token)
    for v in plan.volumes:
        want[f"volume {v['name']}"] = f"{token}-file\n{token}-deeper"
    return want


# --- backup.sh and the README block -----------------------------------------------------------------

def run_backup(box, app, backup_dir, keep=None, timeout=900):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "BACKUP_DIR": backup_dir, "LANG": "C.UTF-8"}
    if keep is not None:
        env["KEEP"] = str(keep)
    return subprocess.Popen(["/bin/bash", os.path.join(box.dir, app, "backup.sh")], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def backup(box, app, backup_dir, keep=None, timeout=900):
    """Runs backup.sh to completion; returns the new backup directory."""
    before = set(backups_in(backup_dir))
    p = run_backup(box, app, backup_dir, keep)
    out, err = p.communicate(timeout=timeout)
    assert p.returncode == 0, f"{app}/backup.sh exited {p.returncode}\n{out[-2000:]}\n{err[-3000:]}"
    new = sorted(set(backups_in(backup_dir)) - before)
    assert new, f"{app}/backup.sh made no new directory in {backup_dir}: {out}"
    return os.path.join(backup_dir, new[-1])


def backups_in(backup_dir):
    if not os.path.isdir(backup_dir):
        return []
    return sorted(n for n in os.listdir(backup_dir) if re.fullmatch(r"\d{8}T\d{6}Z", n))


def modes(directory):
    """{name: octal mode} of a backup directory and its files."""
    out = {".": oct(stat.S_IMODE(os.stat(directory).st_mode))}
    for n in os.listdir(directory):
        out[n] = oct(stat.S_IMODE(os.stat(os.path.join(directory, n)).st_mode))
    return out


def restore(box, app, backup_dir, timeout=1200, env_extra=None):
    """Runs the README's restore block for `app` with B=backup_dir, as a person would paste it."""
    block = restore_block(box, app)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "B": backup_dir, "LANG": "C.UTF-8",
           "HOME": os.environ.get("HOME", "/root")}
    env.update(env_extra or {})
    # The README says `docker`; the box was rendered for DOCKER: put it first on PATH.
    shim = os.path.join(box.dir, "..", "e2e-bin")
    os.makedirs(shim, exist_ok=True)
    link = os.path.join(shim, "docker")
    if not os.path.exists(link):
        os.symlink(DOCKER, link)
    env["PATH"] = os.path.abspath(shim) + ":" + env["PATH"]
    p = subprocess.run(["/bin/bash", "-c", block], env=env, capture_output=True, text=True, timeout=timeout)
    return p
