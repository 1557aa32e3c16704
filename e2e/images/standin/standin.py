#!/usr/bin/python3
"""Generic stand-in for an app image (or a companion with no Debian package) in selfhost's e2e suite.

It proves the wiring a rendered compose file gives a service: every companion connection is made with
exactly the container's environment, as its spec (e2e/standins/README.md) says. It answers HTTP 200 on
its ports while every connection passes, 503 otherwise. Not the real app: see the spec's cannot_prove.
"""
import base64
import http.server
import json
import os
import re
import socket
import socketserver
import sys
import threading
import time
import urllib.parse
import urllib.request

import yaml

SPEC_ROOT = "/standin/specs"
STATE_PORT = 1  # nothing: health state is shared through a file for the shims
STATE_FILE = "/run/standin-health"
RECHECK_SECONDS = 5


def log(msg):
    print(f"standin: {msg}", file=sys.stderr, flush=True)


def fail(msg):
    log(f"error: {msg}")
    sys.exit(1)


# --- the spec -----------------------------------------------------------------------------------

def load_spec():
    rel = os.environ.get("STANDIN_SPEC")
    if not rel:
        fail("STANDIN_SPEC is not set (the image was not built by scripts/e2e/images.sh)")
    path = os.path.join(SPEC_ROOT, rel)
    try:
        with open(path) as f:
            spec = yaml.safe_load(f)
    except OSError as e:
        fail(f"can't read spec {path}: {e}")
    if not isinstance(spec, dict) or not isinstance(spec.get("services"), list):
        fail(f"{path}: needs app: and a services: list")
    return path, spec


def pick_service(spec, argv):
    allowed = [s for s in os.environ.get("STANDIN_SERVICES", "").split(",") if s]
    command = " ".join(argv)
    candidates = []
    for entry in spec["services"]:
        if allowed and entry.get("service") not in allowed:
            continue
        pattern = entry.get("match_command")
        if pattern and not re.search(pattern, command):
            continue
        if any(not os.environ.get(n) for n in entry.get("match_env", []) or []):
            continue
        candidates.append(entry)
    if not candidates:
        fail(f"no entry of the spec fits services {allowed or 'any'} with command {command!r}")
    if len({c.get("service") for c in candidates}) > 1:
        # Same image, same command: Docker's DNS names this container <project>-<service>-<n>.
        me = own_container_name()
        for c in candidates:
            if me and re.search(rf"-{re.escape(str(c.get('service')))}-\d+(\.|$)", me):
                return c
    return candidates[0]


def own_container_name():
    try:
        ip = socket.gethostbyname(socket.gethostname())
        return socket.gethostbyaddr(ip)[0]
    except OSError:
        return None


_VAR = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


class Unset(Exception):
    pass


def expand(value):
    if value is None:
        return None
    value = str(value)

    def sub(m):
        name = m.group("braced") or m.group("plain")
        v = os.environ.get(name)
        if v is None or (v == "" and m.group("default") is not None):
            if m.group("default") is not None:
                return m.group("default")
            raise Unset(name)
        return v

    return _VAR.sub(sub, value)


# --- connection checks --------------------------------------------------------------------------

DEFAULT_PORTS = {"postgres": 5432, "mysql": 3306, "redis": 6379, "memcached": 11211,
                 "rabbitmq": 5672, "http": 80, "tcp": None}


def resolve_target(c):
    """The connection parameters of one connect entry, expanded. Raises Unset."""
    kind = c["kind"]
    t = {"kind": kind}
    if c.get("url"):
        url = expand(c["url"])
        t["url"] = url
        if kind == "memcached" and "://" not in url:
            url = "memcached://" + url
        u = urllib.parse.urlsplit(url)
        t["host"] = u.hostname
        t["port"] = u.port
        t["user"] = urllib.parse.unquote(u.username) if u.username is not None else None
        t["password"] = urllib.parse.unquote(u.password) if u.password is not None else None
        path = urllib.parse.unquote(u.path.lstrip("/"))
        if kind == "redis":
            t["db"] = int(path) if path else 0
        elif kind == "rabbitmq":
            t["vhost"] = path if u.path else "/"
        else:
            t["database"] = path or None
        t["query"] = urllib.parse.parse_qs(u.query)
    else:
        t["host"] = expand(c.get("host"))
        port = expand(c.get("port"))
        if t["host"] and ":" in t["host"] and not t["host"].startswith("["):
            t["host"], hport = t["host"].rsplit(":", 1)
            port = port or hport
        t["port"] = int(port) if port else None
        t["user"] = expand(c.get("user"))
        t["password"] = expand(c.get("password"))
        t["database"] = expand(c.get("database"))
        t["vhost"] = expand(c.get("vhost")) or "/"
        t["db"] = int(expand(c.get("db")) or 0)
    if c.get("password_file"):
        pf = expand(c["password_file"])
        with open(pf) as f:
            t["password"] = f.read().rstrip("\r\n")
    if not t["host"]:
        raise ValueError("no host")
    t["port"] = t["port"] or DEFAULT_PORTS.get(kind)
    if not t["port"]:
        raise ValueError("no port")
    return t


def check_postgres(t, c=None):
    import psycopg2
    sslmode = (t.get("query") or {}).get("sslmode", ["prefer"])[0]
    args = dict(host=t["host"], port=t["port"], user=t["user"], password=t["password"],
                connect_timeout=5, sslmode=sslmode)
    dbname = t["database"] or t["user"]
    try:
        conn = psycopg2.connect(dbname=dbname, **args)
    except psycopg2.OperationalError as e:
        # create_if_missing: the app creates its database itself (Plausible's `db createdb`); do
        # what it would, with the same login, then connect as it would.
        if not (c or {}).get("create_if_missing") or "does not exist" not in str(e):
            raise
        admin = psycopg2.connect(dbname="postgres", **args)
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute('CREATE DATABASE "%s"' % dbname.replace('"', '""'))
        admin.close()
        conn = psycopg2.connect(dbname=dbname, **args)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        # init_sql: what the app's own install writes into its database, for the rows a box
        # touches (listmonk's settings); run in one transaction after the login, written so that a
        # second run changes nothing (the app's idempotent install).
        if (c or {}).get("init_sql"):
            with conn:
                with conn.cursor() as cur:
                    cur.execute(c["init_sql"])
    finally:
        conn.close()


def check_mysql(t):
    import pymysql
    conn = pymysql.connect(host=t["host"], port=t["port"], user=t["user"], password=t["password"] or "",
                           database=t["database"], connect_timeout=5)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
    finally:
        conn.close()


def check_redis(t):
    import redis
    r = redis.Redis(host=t["host"], port=t["port"], username=t["user"] or None, password=t["password"] or None,
                    db=t.get("db") or 0, socket_timeout=5, socket_connect_timeout=5)
    if not r.ping():
        raise RuntimeError("PING not answered")
    r.close()


def check_memcached(t):
    with socket.create_connection((t["host"], t["port"]), timeout=5) as s:
        s.sendall(b"stats\r\n")
        data = b""
        while b"END\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        if b"STAT pid" not in data:
            raise RuntimeError(f"unexpected answer to stats: {data[:60]!r}")


def check_rabbitmq(t):
    import pika
    params = pika.ConnectionParameters(host=t["host"], port=t["port"], virtual_host=t.get("vhost") or "/",
                                       credentials=pika.PlainCredentials(t["user"] or "guest", t["password"] or "guest"),
                                       socket_timeout=5, blocked_connection_timeout=5, connection_attempts=1)
    conn = pika.BlockingConnection(params)
    conn.close()


def check_http(t, c):
    url = t.get("url") or f"http://{t['host']}:{t['port']}/"
    u = urllib.parse.urlsplit(url)
    netloc = u.hostname + (f":{u.port}" if u.port else "")
    clean = urllib.parse.urlunsplit((u.scheme, netloc, u.path or "/", u.query, ""))
    req = urllib.request.Request(clean)
    if t.get("user") is not None:
        token = base64.b64encode(f"{t['user']}:{t['password'] or ''}".encode()).decode()
        req.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            status = resp.status
    except urllib.error.HTTPError as e:
        status = e.code
    expected = c.get("expect_status")
    if expected is not None and status != int(expected):
        raise RuntimeError(f"HTTP {status}, expected {expected}")
    if status >= 500 or status in (401, 403):
        raise RuntimeError(f"HTTP {status}")


def check_tcp(t):
    with socket.create_connection((t["host"], t["port"]), timeout=5):
        pass


def run_check(c):
    kind = c.get("kind")
    try:
        t = resolve_target(c)
    except Unset as e:
        if c.get("optional"):
            return None
        return f"{kind}: ${e.args[0]} is not set"
    except Exception as e:  # noqa: BLE001 - any malformed value is a wiring failure to report
        return f"{kind}: bad target in {c}: {e}"
    where = f"{kind} {t.get('user') + '@' if t.get('user') else ''}{t['host']}:{t['port']}"
    try:
        if kind == "postgres":
            check_postgres(t, c)
        elif kind == "mysql":
            check_mysql(t)
        elif kind == "redis":
            check_redis(t)
        elif kind == "memcached":
            check_memcached(t)
        elif kind == "rabbitmq":
            check_rabbitmq(t)
        elif kind == "http":
            check_http(t, c)
        elif kind == "tcp":
            check_tcp(t)
        else:
            return f"unknown kind {kind!r}"
    except Exception as e:  # noqa: BLE001 - the failure is the answer
        return f"{where}: {type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
    return None


class Health:
    def __init__(self, connects):
        self.connects = connects
        self.lock = threading.Lock()
        self.checked = 0.0
        self.failures = ["not checked yet"]

    def current(self):
        with self.lock:
            if time.monotonic() - self.checked >= RECHECK_SECONDS:
                self.failures = [f for f in (run_check(c) for c in self.connects) if f]
                self.checked = time.monotonic()
                try:
                    with open(STATE_FILE + ".tmp", "w") as f:
                        json.dump({"failures": self.failures, "at": time.time()}, f)
                    os.replace(STATE_FILE + ".tmp", STATE_FILE)
                except OSError:
                    pass
            return list(self.failures)


# --- HTTP ---------------------------------------------------------------------------------------

class DualStackServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, handler):
        try:
            self.address_family = socket.AF_INET6
            super().__init__(("::", port), handler, bind_and_activate=False)
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        except OSError:
            self.address_family = socket.AF_INET
            super().__init__(("0.0.0.0", port), handler, bind_and_activate=False)
        self.server_bind()
        self.server_activate()


def make_handler(app, service, health, auth):
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = "selfhost-standin"

        def log_message(self, fmt, *args):
            pass

        def answer(self, body_only=False):
            if auth is not None:
                expected = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="standin"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
            failures = health.current()
            status = 503 if failures else 200
            text = (f"selfhost e2e stand-in for {app} (service {service}), not the real app\n"
                    f"path: {self.path}\n"
                    + ("all connections pass\n" if not failures else "".join(f"FAILED {f}\n" for f in failures)))
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if not body_only:
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = lambda self: self.answer()

        def do_HEAD(self):
            self.answer(body_only=True)

    return Handler


# Plain sh, not `python3 standin.py --health`: a shim runs as a rendered healthcheck with a timeout
# (5-10 s), and on a loaded 2-core machine starting Python with its imports took longer than that.
SHIM = """#!/bin/sh
# Written by the selfhost e2e stand-in: exits 0 only while every connection of the spec passes, i.e.
# the state file the stand-in rewrites every 5 s is fresh (under 30 s old) and lists no failure.
f=/run/standin-health
if [ -z "$(find "$f" -mmin -0.5 2>/dev/null)" ]; then
    echo "no fresh health state: the stand-in is not running its checks" >&2
    exit 1
fi
grep -q '"failures": \\[\\]' "$f" && exit 0
cat "$f" >&2
exit 1
"""


def health_from_state():
    """For shims and `standin.py --health`: fresh state written by the running stand-in."""
    try:
        with open(STATE_FILE) as f:
            state = json.load(f)
    except (OSError, ValueError):
        print("no health state yet", file=sys.stderr)
        return 1
    age = time.time() - state.get("at", 0)
    if age > 6 * RECHECK_SECONDS:
        # The stand-in refreshes the state every RECHECK_SECONDS while it runs.
        failures = [f"health state is {age:.0f} s old: the stand-in is not running its checks"]
    else:
        failures = state.get("failures", [])
    for f in failures:
        print(f"FAILED {f}", file=sys.stderr)
    return 1 if failures else 0


def main(argv):
    if argv[:1] == ["--health"]:
        sys.exit(health_from_state())
    path, spec = load_spec()
    app = spec.get("app", "?")
    entry = pick_service(spec, argv)
    service = entry.get("service", "?")
    log(f"{app} service {service} from {path}; command: {' '.join(argv) or '(none)'}")
    for name in entry.get("refuse_env", []) or []:
        if name in os.environ:
            fail(f"{name} is set, but the real {app} refuses it (legacy name)")
    for name in entry.get("expect_env", []) or []:
        if not os.environ.get(name):
            fail(f"{name} must be set and non-empty for {app}")
    for name, want in (entry.get("expect_values") or {}).items():
        if os.environ.get(name) != str(want):
            fail(f"{name} is {os.environ.get(name)!r}, {app} needs {str(want)!r} here")
    auth = None
    if entry.get("basic_auth"):
        try:
            auth = (expand(entry["basic_auth"].get("user")), expand(entry["basic_auth"].get("password")))
        except Unset as e:
            fail(f"basic_auth: ${e.args[0]} is not set")
    connects = entry.get("connect", []) or []
    health = Health(connects)
    deadline = time.monotonic() + float(os.environ.get("STANDIN_START_WAIT", "60"))
    while True:
        failures = [f for f in (run_check(c) for c in connects) if f]
        if not failures:
            break
        if time.monotonic() >= deadline:
            for f in failures:
                log(f"FAILED {f}")
            fail(f"{len(failures)} connection(s) failed at start")
        time.sleep(2)
    log(f"{len(connects)} connection(s) pass")
    if entry.get("oneshot"):
        log("one-shot service: done")
        sys.exit(0)
    health.current()
    for shim in entry.get("shims", []) or []:
        os.makedirs(os.path.dirname(shim), exist_ok=True)
        with open(shim, "w") as f:
            f.write(SHIM)
        os.chmod(shim, 0o755)
    def refresh():
        while True:
            time.sleep(RECHECK_SECONDS)
            health.current()

    threading.Thread(target=refresh, daemon=True).start()
    ports = [int(p) for p in entry.get("listen", []) or []]
    handler = make_handler(app, service, health, auth)
    servers = [DualStackServer(p, handler) for p in ports]
    for s in servers[1:]:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    log(f"listening on {ports or 'no port'}")
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if servers:
        servers[0].serve_forever()
    else:
        threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv[1:])
