"""`selfhost install` on a real server: a container running systemd as PID 1 with its own Docker Engine.

The server is an image FROM local/debian:bookworm with systemd and docker.io (e2e/images/server),
run with the flags docs/E2E.md gives ("A whole server"), its /var/lib/docker on a volume of its own.
Compose v2, the images the box's apps need (only those) and the built selfhost binary are copied in.
Inside it, as a user would: `selfhost render` → `selfhost install` → `selfhost verify` (three
commands, every section green), then (after adding an app) render + install again. The world's DNS
is a knotd inside the server (Debian's `knot`, 127.0.0.1:5300) serving `e2e.test`: each app host's
A record at the server's address (SERVER_IP, a loopback address where Caddy answers 80/443) and the
Brevo relay's SPF and DKIM records, for `verify --resolver`. The real unit files, their ordering,
daemon-reload, the timers and the backup unit's sandbox run under systemd; nothing re-enacts their command lines. The one test-only change is the
`local_certs` line in the box's Caddyfile (offline: Caddy's own CA instead of ACME).

Environment: E2E_INSTALL_PREFIX (names of the container, its network and volume; default
selfhost-e2e-install), E2E_INSTALL_SUBNET (the container's network on the host engine, default
10.251.1.0/24). Figures go to $E2E_OUT/install.json.
"""
import fcntl
import hashlib
import json
import os
import re
import shlex
import subprocess
import time

import pytest

from conftest import DOCKER, ROOT, _run

PREFIX = os.environ.get("E2E_INSTALL_PREFIX", "selfhost-e2e-install").rstrip("-")
SUBNET = os.environ.get("E2E_INSTALL_SUBNET", "10.251.1.0/24")
IMAGE = "local/selfhost-e2e-server:latest"
LABEL = "org.selfhost.e2e.hash"
BOX = "/srv/box"
BACKUPS = "/var/backups/selfhost"
DOMAIN = "e2e.test"
APPS = ["umami", "listmonk", "gitea"]
ADDED = "gatus"
# The server's public address as DNS gives it: loopback inside the server, where Caddy's published
# 80/443 answer; and the knotd that plays the world's DNS for `verify --resolver`.
SERVER_IP = "127.0.0.10"
RESOLVER = "127.0.0.1:5300"
HEALTH_TIMEOUT = int(os.environ.get("E2E_HEALTH_TIMEOUT", "900"))
FIGURES = {}


def _hash_dir(path, extra):
    h = hashlib.sha256(extra.encode())
    for dirpath, dirnames, filenames in sorted(os.walk(path)):
        dirnames.sort()
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            h.update(os.path.relpath(full, path).encode() + b"\0")
            with open(full, "rb") as f:
                h.update(f.read())
    return h.hexdigest()[:16]


def _build_image(engine):
    """Built only when no image carries the hash of its build context and base (images.sh style)."""
    context = os.path.join(ROOT, "e2e", "images", "server")
    base = engine("image", "inspect", "-f", "{{.Id}}", "local/debian:bookworm", check=False).stdout.strip()
    if not base:
        pytest.fail("no local/debian:bookworm image: run scripts/e2e/images.sh first")
    want = _hash_dir(context, base)
    have = engine("image", "inspect", "-f", "{{index .Config.Labels \"%s\"}}" % LABEL, IMAGE, check=False).stdout.strip()
    if have == want:
        return
    os.makedirs("/run/lock", exist_ok=True)
    with open("/run/lock/selfhost-e2e-images.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _run([DOCKER, "build", "-q", "--label", f"{LABEL}={want}", "-t", IMAGE, context], timeout=1800,
             env=dict(os.environ, DOCKER_BUILDKIT="0"))


class Server:
    def __init__(self, engine, selfhost):
        self.engine = engine
        self.name = f"{PREFIX}-server"
        self.network = f"{PREFIX}-net"
        self.volume = f"{PREFIX}-docker"
        self.selfhost_bin = selfhost

    # running things inside
    def sh(self, script, check=True, timeout=900, input=None):
        p = subprocess.run([DOCKER, "exec", "-i", self.name, "bash", "-c", script], capture_output=True, text=True,
                           timeout=timeout, input=input)
        if check and p.returncode != 0:
            raise AssertionError(f"in the server: {script}\nexited {p.returncode}\n{p.stdout[-4000:]}\n{p.stderr[-4000:]}")
        return p

    def selfhost(self, *args, check=False, timeout=1800):
        return self.sh("selfhost " + shlex.join(args), check=check, timeout=timeout)

    def json(self, *args, want=(0,), timeout=1800):
        p = self.selfhost(*args, "--format", "json", timeout=timeout)
        assert p.returncode in want, f"selfhost {' '.join(args)} exited {p.returncode}\n{p.stdout[-6000:]}\n{p.stderr[-3000:]}"
        return json.loads(p.stdout), p

    # life cycle
    def start(self):
        self.teardown()
        self.engine("network", "create", "--subnet", SUBNET, self.network)
        self.engine("volume", "create", self.volume)
        self.engine("run", "-d", "--name", self.name, "--hostname", "server",
                    "--cap-add=ALL", "--cap-drop=SYS_RESOURCE", "--security-opt", "seccomp=unconfined",
                    "--security-opt", "apparmor=unconfined", "--security-opt", "systempaths=unconfined",
                    "--device-cgroup-rule=a *:* rwm", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
                    "--tmpfs", "/run", "--tmpfs", "/run/lock", "-v", f"{self.volume}:/var/lib/docker",
                    "--network", self.network, IMAGE)
        deadline = time.monotonic() + 120
        while True:
            state = self.sh("systemctl is-system-running; docker info --format '{{.Driver}}'", check=False).stdout.split()
            if len(state) >= 2 and state[0] in ("running", "degraded") and state[1] == "overlay2":
                break
            assert time.monotonic() < deadline, f"the server container didn't come up: {state}"
            time.sleep(2)

    def install_selfhost(self):
        """The built binary, and (a debug build) the Swift runtime libraries it links from the toolchain."""
        self.engine("cp", self.selfhost_bin, f"{self.name}:/usr/local/bin/selfhost")
        libs = []
        for line in _run(["ldd", self.selfhost_bin]).stdout.splitlines():
            m = re.search(r"=> (/\S+)", line)
            if m and not m.group(1).startswith(("/lib/", "/usr/lib/", "/lib64/")):
                libs.append(m.group(1))
        if libs:
            self.sh("mkdir -p /usr/local/lib/selfhost")
            for lib in libs:
                self.engine("cp", "-L", lib, f"{self.name}:/usr/local/lib/selfhost/")
            self.sh("echo /usr/local/lib/selfhost > /etc/ld.so.conf.d/selfhost.conf && ldconfig")
        self.sh("selfhost --version")

    def install_compose(self):
        self.sh("mkdir -p /usr/local/lib/docker/cli-plugins")
        self.engine("cp", "/usr/local/lib/docker/cli-plugins/docker-compose",
                    f"{self.name}:/usr/local/lib/docker/cli-plugins/docker-compose")

    def load_images(self, apps):
        """Only the images these apps' compose files, Caddy and backup.sh name, in one stream."""
        refs = set()
        for a in [*apps, "caddy"]:
            refs |= set(self.sh(f"cd {BOX}/{a} && docker compose config --images").stdout.split())
        for a in apps:
            text = self.sh(f"cat {BOX}/{a}/backup.sh").stdout
            refs |= set(re.findall(r"--network none -v \S+ (\S+) \\", text))
        have = set(self.sh("docker images --format '{{.Repository}}:{{.Tag}}'").stdout.split())
        todo = sorted(refs - have)
        if todo:
            save = subprocess.Popen([DOCKER, "save", *todo], stdout=subprocess.PIPE)
            load = subprocess.run([DOCKER, "exec", "-i", self.name, "docker", "load", "-q"], stdin=save.stdout,
                                  capture_output=True, text=True, timeout=1800)
            save.stdout.close()
            assert save.wait() == 0 and load.returncode == 0, f"docker save | load {todo}: {load.stderr[-2000:]}"
        return todo

    def teardown(self):
        self.engine("rm", "-f", "-v", self.name, check=False, timeout=300)
        self.engine("volume", "rm", self.volume, check=False)
        self.engine("network", "rm", self.network, check=False)

    # the box
    def render(self, *apps, smtp=(), out=BOX):
        """`selfhost render` inside the server, the rendered Caddyfile put back first (see local_certs)."""
        self.sh(f"f={out}/caddy/Caddyfile; [ -e $f.rendered ] && cp $f.rendered $f || true")
        p = self.selfhost("render", *apps, "--domain", DOMAIN, "--email", f"ops@{DOMAIN}", "--out", out,
                          "--backup-dir", BACKUPS, *smtp, "--format", "json")
        assert p.returncode == 0, f"render exited {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
        self.local_certs(out)
        return json.loads(p.stdout)

    def local_certs(self, out=BOX):
        """Test only: Caddy's own CA instead of ACME (offline), in the global block as conftest's Box
        does; the rendered file is kept beside it for the next render."""
        self.sh(f"f={out}/caddy/Caddyfile; cp $f $f.rendered; "
                "python3 - $f <<'EOF'\n"
                "import os, sys\n"
                "p = sys.argv[1]; lines = open(p).read().splitlines(keepends=True)\n"
                "first = next((i for i, l in enumerate(lines) if l.strip() and not l.lstrip().startswith('#')), None)\n"
                "if first is not None and lines[first].strip() == '{':\n"
                "    lines.insert(first + 1, '\\tlocal_certs\\n')\n"
                "else:\n"
                "    lines.insert(0, '{\\n\\tlocal_certs\\n}\\n')\n"
                "open(p + '.tmp', 'w').write(''.join(lines)); os.replace(p + '.tmp', p)\n"
                "EOF")

    # the world's DNS: Debian's knot package, its own unit
    serial = 0

    def dns(self, a_records):
        """Serves, from knotd on RESOLVER, what the world's DNS would answer preflight for this box:
        `e2e.test` with `a_records` (host label → IPv4), the MX (and its PTR in 127.in-addr.arpa),
        DMARC, the SPF include and the two DKIM CNAMEs Brevo's domain page asks for
        (catalog/email-providers/brevo.yaml); a stand-in for Brevo's own zone (its SPF record and the
        DKIM keys the CNAMEs point at: a 2048-bit test key from the Swift suite's fixtures); and an
        empty `test.` (the CAA check climbs to it). Every call writes a new serial and reloads;
        returns once knotd serves it."""
        Server.serial += 1
        soa = lambda z: [f"$ORIGIN {z}.", "$TTL 300", f"@ SOA ns.{DOMAIN}. hostmaster.{DOMAIN}. {Server.serial} 3600 600 86400 300",
                         f"@ NS ns.{DOMAIN}."]
        dashed = DOMAIN.replace(".", "-")
        with open(os.path.join(ROOT, "Tests/SelfhostKitTests/Fixtures/preflight/keys/k2048.b64")) as f:
            key = f.read().strip()
        zones = {
            DOMAIN: soa(DOMAIN) + ["ns A 127.0.0.53", f"@ A {SERVER_IP}", "@ MX 10 mx", "mx A 127.0.0.11",
                                   '@ TXT "v=spf1 mx include:spf.brevo.com ~all"',
                                   f'_dmarc TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@{DOMAIN}"',
                                   f"brevo1._domainkey CNAME b1.{dashed}.dkim.brevo.com.",
                                   f"brevo2._domainkey CNAME b2.{dashed}.dkim.brevo.com."]
                              + [f"{label} A {ip}" for label, ip in sorted(a_records.items())],
            "brevo.com": soa("brevo.com") + ['spf TXT "v=spf1 ip4:127.0.0.12 -all"']
                         + [f'b{i}.{dashed}.dkim TXT "k=rsa; p={key}"' for i in (1, 2)],
            "127.in-addr.arpa": soa("127.in-addr.arpa") + [f"11.0.0 PTR mx.{DOMAIN}."],
            "test": soa("test"),
        }
        conf = (f"server:\n    rundir: /run/knot\n    listen: [ {RESOLVER.replace(':', '@')} ]\n"
                "log:\n  - target: syslog\n    any: info\n"
                "database:\n    storage: /var/lib/knot\n"
                "template:\n  - id: default\n    storage: /var/lib/knot\n    file: \"%s.zone\"\n"
                "zone:\n" + "".join(f"  - domain: {z}\n" for z in zones))
        first = self.sh("cat /etc/knot/knot.conf").stdout != conf
        self.sh("cat > /etc/knot/knot.conf", input=conf)
        for z, lines in zones.items():
            self.sh(f"cat > /var/lib/knot/{z}.zone.tmp && chown knot:knot /var/lib/knot/{z}.zone.tmp && "
                    f"mv /var/lib/knot/{z}.zone.tmp /var/lib/knot/{z}.zone", input="\n".join(lines) + "\n")
        # A new listen address needs a restart (a reload keeps knotd's sockets); new zone contents a reload.
        self.sh("systemctl restart knot" if first else "systemctl reload knot")
        port = RESOLVER.rsplit(":", 1)[1]
        deadline = time.monotonic() + 60
        while True:
            p = self.sh(f"knotc zone-read {DOMAIN} @ SOA; ss -Hlun 'sport = :{port}'", check=False)
            if f" {Server.serial} 3600 " in p.stdout and RESOLVER in p.stdout:
                return
            assert time.monotonic() < deadline, f"knotd doesn't serve serial {Server.serial}: {p.stdout}{p.stderr}\n" + \
                self.sh("systemctl status knot; journalctl -u knot -n 30 --no-pager", check=False).stdout
            time.sleep(0.5)

    def verify(self, want=(0,)):
        """`selfhost verify` as the README gives it, asking the server's knotd."""
        return self.json("verify", "--box", BOX, "--server-ip", SERVER_IP, "--resolver", RESOLVER, want=want, timeout=300)

    def auth(self, app):
        p = self.sh(f"cat {BOX}/{app}/gate-password 2>/dev/null", check=False)
        return ["-u", "owner:" + p.stdout.strip()] if p.returncode == 0 and p.stdout.strip() else []

    def https(self, app, path="/"):
        host = f"{app}.{DOMAIN}"
        args = ["curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10", *self.auth(app),
                "--resolve", f"{host}:443:127.0.0.1", f"https://{host}{path}"]
        return self.sh(shlex.join(args), check=False).stdout.strip()


@pytest.fixture(scope="module")
def server(engine, selfhost, out_dir):
    t0 = time.monotonic()
    _build_image(engine)
    s = Server(engine, selfhost)
    s.start()
    FIGURES["server_up_seconds"] = round(time.monotonic() - t0, 1)
    try:
        s.install_selfhost()
        yield s
    finally:
        with open(os.path.join(out_dir, "install.json"), "w") as f:
            json.dump(FIGURES, f, indent=2, sort_keys=True)
        if os.environ.get("E2E_KEEP_SERVER") != "1":
            s.teardown()


def _steps(report):
    return [s["command"][:3] if s["command"][0] == "systemctl" else s["command"][:1] for s in report["steps"]]


# The box's SMTP relay: Brevo, with credentials given once in a mode-0600 file (never on the command line).
# The password has quotes and SQL in it: listmonk's smtp-init must store it as data (psql variables).
SMTP_USER, SMTP_PASSWORD = "relay@e2e.test", "e2e relay key'); DROP TABLE settings; -- it's"
SMTP = ("--smtp", "brevo", "--smtp-credentials", "/root/smtp.env")


HOSTS = {a: SERVER_IP for a in [*APPS, ADDED]}


def test_install_refuses_a_server_without_compose(server):
    """Before Compose is on the server: the plan is right, and install refuses with the hint, changing
    nothing. (A box of its own, so the box below goes render → install → verify, three commands.)"""
    server.sh(f"umask 077 && printf 'SELFHOST_SMTP_USERNAME=%s\\nSELFHOST_SMTP_PASSWORD=\"%s\"\\n' {shlex.quote(SMTP_USER)} {shlex.quote(SMTP_PASSWORD)} > /root/smtp.env")
    refused = "/srv/refused"
    server.render(*APPS, smtp=SMTP, out=refused)
    report, _ = server.json("install", "--box", refused, "--dry-run")
    assert report["dry_run"] and not report["refused"]
    assert report["new_apps"] == sorted(APPS) and report["caddy"] == "start"
    # Apps, then Caddy, then the timers: the order systemd gets them in.
    assert _steps(report) == [["install"], ["systemctl", "daemon-reload"], ["systemctl", "enable", "--now"],
                              ["systemctl", "enable", "--now"], ["systemctl", "enable", "--now"]]
    assert report["steps"][2]["command"][3:] == [f"selfhost-{a}.service" for a in sorted(APPS)]
    assert report["steps"][3]["command"][3:] == ["selfhost-caddy.service"]
    assert report["steps"][4]["command"][3:] == [f"selfhost-{a}-backup.timer" for a in sorted(APPS)]
    p = server.selfhost("install", "--box", refused)
    assert p.returncode == 1, p.stdout + p.stderr
    assert "Compose v2 plugin" in p.stderr and "hint:" in p.stderr
    assert server.sh("ls /etc/systemd/system | grep -c '^selfhost-' || true", check=False).stdout.strip() == "0"
    server.sh(f"rm -rf {refused}")


def _sections(report):
    return {s["name"]: s for s in report["sections"]}


def test_render_install_verify(server):
    """The issue's path, three commands: render (mail through Brevo) → install → verify, every
    section green. Around them only what stands in for the world: Compose on the server, the images
    (no registry here), and the domain's DNS."""
    server.install_compose()
    server.dns(HOSTS)
    rendered = server.render(*APPS, smtp=SMTP)                                                   # 1
    FIGURES["mail_filled_apps"] = rendered["mail"]["filled_apps"]
    assert rendered["mail"]["provider"] == "brevo" and "gitea" in rendered["mail"]["filled_apps"]
    t = time.monotonic()
    FIGURES["images_loaded"] = server.load_images(APPS)
    FIGURES["image_load_seconds"] = round(time.monotonic() - t, 1)
    t = time.monotonic()
    report, p = server.json("install", "--box", BOX, "--timeout", str(HEALTH_TIMEOUT), want=(0, 1))   # 2
    FIGURES["install_seconds"] = round(time.monotonic() - t, 1)
    FIGURES["install_waited_seconds"] = report["waited_seconds"]
    assert p.returncode == 0, json.dumps({k: report[k] for k in ("steps", "waiting", "healthy")}, indent=1)[-6000:]
    assert report["healthy"] is True and all(s["status"] == "ok" for s in report["steps"])
    t = time.monotonic()
    verify, p = server.verify(want=(0, 1))                                                            # 3
    FIGURES["verify_seconds"] = round(time.monotonic() - t, 1)
    failed = [i for s in verify["sections"] for i in s["items"] if not i["ok"]]
    assert p.returncode == 0 and verify["ok"] is True, json.dumps(failed, indent=1)[-6000:]
    sections = _sections(verify)
    assert list(sections) == ["preflight", "status", "restore"] and all(s["ok"] and s["failed"] == 0 for s in sections.values())
    # Preflight saw each host's A record at the server and Brevo's records, and the ports answer.
    passed = {i["subject"] for i in sections["preflight"]["items"] if i["ok"]}
    for a in APPS:
        assert f"dns.a {a}.{DOMAIN}" in passed, sorted(passed)
    assert any(x.startswith("esp.") for x in passed), sorted(passed)
    # A fresh box has no backup yet: each restore drill is not yet due (passed, marked pending).
    assert [(i["subject"], i["pending"]) for i in sections["restore"]["items"]] == [(a, True) for a in sorted(APPS)]
    FIGURES["verify_passed_items"] = {n: s["passed"] for n, s in sections.items()}
    # The text an owner reads says green, and that no drill has proven a backup yet.
    text = server.selfhost("verify", "--box", BOX, "--server-ip", SERVER_IP, "--resolver", RESOLVER)
    assert text.returncode == 0 and "All green; 3 restore drills not yet due" in text.stdout, text.stdout + text.stderr
    for a in APPS:
        assert server.sh(f"systemctl is-active selfhost-{a}.service").stdout.strip() == "active"
        assert server.sh(f"systemctl is-enabled selfhost-{a}-backup.timer").stdout.strip() == "enabled"
        assert server.https(a) in ("200", "302"), a
    assert server.sh("systemctl is-active selfhost-caddy.service").stdout.strip() == "active"
    # The status the install ended with: every app has containers and none is unhealthy.
    assert [a["id"] for a in report["status"]["apps"]] == sorted(APPS)
    assert not [x for x in report["status"]["problems"] if x["kind"] == "container"]
    text = server.selfhost("install", "--box", BOX)
    assert text.returncode == 0 and "Nothing to do" not in text.stdout


def _env_of(server, app):
    cid = server.sh(f"cd {BOX}/{app} && docker compose ps -q app").stdout.split()[0]
    return dict(e.split("=", 1) for e in json.loads(server.sh(f"docker inspect -f '{{{{json .Config.Env}}}}' {cid}").stdout))


def _listmonk_settings(server):
    """listmonk's `smtp` and `app.from_email` rows, read from its database container in the server."""
    rows = server.sh(f"cd {BOX}/listmonk && docker compose exec -T db psql -U listmonk -d listmonk -At -F '|' "
                     "-c \"SELECT key, value FROM settings WHERE key IN ('smtp', 'app.from_email') ORDER BY key\"").stdout
    got = dict(line.split("|", 1) for line in rows.splitlines() if "|" in line)
    return json.loads(got["smtp"]), json.loads(got["app.from_email"])


def test_the_relay_reaches_the_apps(server):
    """Gitea's running container has the relay in its own variables. Listmonk keeps its SMTP servers
    in its database (Settings → SMTP): its one-shot smtp-init wrote the relay into the `settings` rows
    before it started (no SMTP variable reaches the app itself). Umami sends no mail: it gets none,
    and the README says so for each."""
    gitea = _env_of(server, "gitea")
    assert gitea["GITEA__mailer__ENABLED"] == "true" and gitea["GITEA__mailer__SMTP_ADDR"] == "smtp-relay.brevo.com"
    assert gitea["GITEA__mailer__SMTP_PORT"] == "587" and gitea["GITEA__mailer__PROTOCOL"] == "smtp+starttls"
    assert gitea["GITEA__mailer__USER"] == SMTP_USER and gitea["GITEA__mailer__PASSWD"] == SMTP_PASSWORD
    assert gitea["GITEA__mailer__FROM"] == f"noreply@{DOMAIN}"
    for app in ("umami", "listmonk"):
        env = _env_of(server, app)
        assert not [k for k in env if "SMTP" in k or "MAIL" in k], app
        assert SMTP_PASSWORD not in env.values() and "smtp-relay.brevo.com" not in env.values(), app
    # listmonk: the relay is its one SMTP server, the password stored as given (quotes and all).
    smtp, sender = _listmonk_settings(server)
    assert len(smtp) == 1, smtp
    assert {k: smtp[0][k] for k in ("enabled", "host", "port", "tls_type", "auth_protocol", "username", "password")} == {
        "enabled": True, "host": "smtp-relay.brevo.com", "port": 587, "tls_type": "STARTTLS", "auth_protocol": "plain",
        "username": SMTP_USER, "password": SMTP_PASSWORD}
    assert sender == f"noreply@{DOMAIN}"
    FIGURES["listmonk_smtp_seeded"] = smtp[0]["host"]
    for one_shot in ("install", "smtp-init"):
        state = server.sh(f"cd {BOX}/listmonk && docker compose ps -a --format json {one_shot}").stdout
        state = [json.loads(line) for line in state.splitlines() if line.strip()]
        assert [(c["State"], c["ExitCode"]) for c in state] == [("exited", 0)], (one_shot, state)
    # smtp-init's command line holds neither the password nor SQL with it.
    cid = server.sh(f"cd {BOX}/listmonk && docker compose ps -a -q smtp-init").stdout.split()[0]
    args = server.sh(f"docker inspect -f '{{{{json .Config.Cmd}}}}' {cid}").stdout
    assert SMTP_PASSWORD not in args and "smtp-seed.sql" in args, args
    readme = server.sh(f"cat {BOX}/README.md").stdout
    assert "**Gitea** sends mail through the box's relay" in readme and "Apps that send no mail: Umami." in readme
    assert "**listmonk** sends mail through the box's relay" in readme and "smtp-init" in readme
    assert "render can't set it" not in readme


def test_a_listmonk_mail_edit_survives_a_re_render_and_restart(server):
    """The owner sets their own server in Settings → SMTP (written here as listmonk's settings
    handler does: the `smtp` row replaced) and a sender; then render + install again, and listmonk's
    unit restarted so its one-shots run once more: smtp-init finds no install defaults and keeps
    both (UPDATE 0), and the app comes back healthy."""
    own = [{"enabled": True, "host": "mail.owner.example", "port": 2525, "auth_protocol": "login",
            "username": "owner", "password": "owner's pass", "hello_hostname": "", "max_conns": 5,
            "idle_timeout": "15s", "wait_timeout": "5s", "max_msg_retries": 2, "msg_retry_delay": "10ms",
            "tls_type": "none", "tls_skip_verify": False, "email_headers": [], "from_addresses": []}]
    sql = ("UPDATE settings SET value = %s::jsonb WHERE key = 'smtp';\n"
           "UPDATE settings SET value = '\"Owner <news@owner.example>\"' WHERE key = 'app.from_email';\n") % (
        "'" + json.dumps(own).replace("'", "''") + "'")
    server.sh(f"cd {BOX}/listmonk && docker compose exec -T db psql -U listmonk -d listmonk -v ON_ERROR_STOP=1 -q", input=sql)
    assert _listmonk_settings(server) == (own, "Owner <news@owner.example>")
    before = server.sh(f"cd {BOX}/listmonk && docker compose ps -a -q smtp-init").stdout.split()[0]
    started = server.sh(f"docker inspect -f '{{{{.State.StartedAt}}}}' {before}").stdout.strip()
    server.render(*APPS, smtp=SMTP)
    report, p = server.json("install", "--box", BOX, "--timeout", str(HEALTH_TIMEOUT), want=(0, 1))
    assert p.returncode == 0 and report["healthy"] is True, json.dumps(report.get("steps"))[-3000:]
    server.sh("systemctl restart selfhost-listmonk.service", timeout=HEALTH_TIMEOUT)
    cid = server.sh(f"cd {BOX}/listmonk && docker compose ps -a -q smtp-init").stdout.split()[0]
    state = json.loads(server.sh(f"docker inspect -f '{{{{json .State}}}}' {cid}").stdout)
    assert state["StartedAt"] > started and state["Status"] == "exited" and state["ExitCode"] == 0, state
    assert "UPDATE 0" in server.sh(f"docker logs --since {state['StartedAt']} {cid} 2>&1").stdout
    assert _listmonk_settings(server) == (own, "Owner <news@owner.example>")
    FIGURES["listmonk_owner_edit_kept"] = True
    # Back to healthy before the next test: install (nothing changed) waits for every container.
    report, p = server.json("install", "--box", BOX, "--timeout", str(HEALTH_TIMEOUT), want=(0, 1))
    assert p.returncode == 0 and report["healthy"] is True and report["steps"] == [], json.dumps(report.get("waiting"))[-3000:]


def test_verify_fails_on_a_wrong_or_missing_a_record(server):
    """verify is not green by construction: listmonk's A record pointing elsewhere, then removed,
    each fails preflight (exit 1); put back, all green again."""
    try:
        for records, why in (({**HOSTS, "listmonk": "127.0.0.99"}, "127.0.0.99"), ({k: v for k, v in HOSTS.items() if k != "listmonk"}, "NXDOMAIN")):
            server.dns(records)
            report, p = server.verify(want=(1,))
            # Exactly the record's check fails. (The other sections report the box as it is: not
            # asserted here, so a container a load spike makes unhealthy for a moment doesn't hide it.)
            failed = [i for i in _sections(report)["preflight"]["items"] if not i["ok"]]
            assert report["ok"] is False and [i["subject"] for i in failed] == [f"dns.a listmonk.{DOMAIN}"], failed
            assert why in failed[0]["message"], failed
            FIGURES.setdefault("verify_dns_negative_other_failures", []).extend(
                i["subject"] for s in report["sections"] if s["name"] != "preflight" for i in s["items"] if not i["ok"])
    finally:
        server.dns(HOSTS)
    report, p = server.verify(want=(0, 1))
    assert p.returncode == 0 and report["ok"] is True, [i for s in report["sections"] for i in s["items"] if not i["ok"]]


def test_a_second_install_changes_nothing(server):
    report, _ = server.json("install", "--box", BOX, "--dry-run")
    assert report["steps"] == [] and report["caddy"] == "none" and report["unchanged_apps"] == sorted(APPS)
    p = server.selfhost("install", "--box", BOX, "--dry-run")
    assert "Nothing to do" in p.stdout


def test_backup_timers_fire(server):
    # The backup service as its timer starts it (sandbox and all) ...
    server.sh("systemctl start selfhost-umami-backup.service")
    assert server.sh(f"ls {BACKUPS}/umami | grep -c 'Z$'").stdout.strip() == "1"
    # ... and the timer itself, with a shortened OnCalendar (a drop-in, as an owner would).
    server.sh("mkdir -p /etc/systemd/system/selfhost-listmonk-backup.timer.d && printf '[Timer]\\nOnCalendar=\\n"
              "OnCalendar=*:*:0/15\\nRandomizedDelaySec=0\\nAccuracySec=1s\\n' > "
              "/etc/systemd/system/selfhost-listmonk-backup.timer.d/e2e.conf && systemctl daemon-reload && "
              "systemctl restart selfhost-listmonk-backup.timer")
    t = time.monotonic()
    while True:
        n = server.sh(f"ls {BACKUPS}/listmonk 2>/dev/null | grep -c 'Z$' || true", check=False).stdout.strip()
        if n and int(n) >= 1:
            break
        assert time.monotonic() - t < 120, server.sh("systemctl status selfhost-listmonk-backup.timer selfhost-listmonk-backup.service", check=False).stdout
        time.sleep(2)
    FIGURES["timer_fired_after_seconds"] = round(time.monotonic() - t, 1)
    server.sh("rm -rf /etc/systemd/system/selfhost-listmonk-backup.timer.d && systemctl daemon-reload && "
              "systemctl restart selfhost-listmonk-backup.timer")


PROBE = r"""
stop=/tmp/probe.stop; log=/tmp/probe.log; rm -f $stop $log
while [ ! -e $stop ]; do
  for spec in "$@"; do
    host=${spec%%|*}; auth=${spec#*|}
    code=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 5 ${auth:+-u "$auth"} --resolve "$host:443:127.0.0.1" "https://$host/")
    echo "$(date +%s.%N) $host $code" >> $log
  done
  sleep 0.05
done
"""


def test_adding_an_app_drops_no_request(server):
    specs, want = [], {}
    for a in APPS:
        auth = server.auth(a)
        specs.append(f"{a}.{DOMAIN}|{auth[1] if auth else ''}")
        want[f"{a}.{DOMAIN}"] = server.https(a)
    server.sh("cat > /tmp/probe.sh", input=PROBE)
    subprocess.run([DOCKER, "exec", "-d", server.name, "bash", "/tmp/probe.sh", *specs], check=True)
    try:
        time.sleep(2)
        server.render(ADDED)
        server.load_images([ADDED])
        dry, _ = server.json("install", "--box", BOX, "--dry-run")
        assert dry["new_apps"] == [ADDED] and dry["changed_apps"] == [] and dry["caddy"] == "reload", dry
        t = time.monotonic()
        report, p = server.json("install", "--box", BOX, "--timeout", str(HEALTH_TIMEOUT), want=(0, 1))
        FIGURES["add_app_install_seconds"] = round(time.monotonic() - t, 1)
        assert p.returncode == 0, json.dumps({k: report[k] for k in ("steps", "waiting")}, indent=1)[-5000:]
        time.sleep(2)
    finally:
        server.sh("touch /tmp/probe.stop")
        time.sleep(1)
    lines = [l.split() for l in server.sh("cat /tmp/probe.log").stdout.splitlines() if l.strip()]
    failed = [l for l in lines if len(l) == 3 and want[l[1]] != l[2]]
    FIGURES["add_app_requests"] = len(lines)
    FIGURES["add_app_failed_requests"] = len(failed)
    assert len(lines) > 50, "the prober hardly ran"
    assert failed == [], failed[:20]
    assert server.https(ADDED) in ("200", "302")
    assert [s["command"][:3] for s in report["steps"]][-3:] == [
        ["systemctl", "enable", "--now"], ["systemctl", "reload", "selfhost-caddy.service"], ["systemctl", "enable", "--now"]]


def test_an_edited_app_is_restarted_alone(server):
    server.sh(f"echo '# e2e: an edit' >> {BOX}/listmonk/.env")
    report, _ = server.json("install", "--box", BOX, "--dry-run")
    assert report["changed_apps"] == ["listmonk"] and report["new_apps"] == [] and report["caddy"] == "none"
    assert [s["command"] for s in report["steps"]] == [["systemctl", "restart", "selfhost-listmonk.service"]]
    report, p = server.json("install", "--box", BOX, "--timeout", str(HEALTH_TIMEOUT), want=(0, 1))
    assert p.returncode == 0 and report["healthy"] is True


# --- backups: the manifest each backup writes, and the restore drill --------------------------------

def _psql(server, app, sql):
    return server.sh(f"cd {BOX}/{app} && docker compose exec -T db sh -c 'psql -v ON_ERROR_STOP=1 -U \"$POSTGRES_USER\" -d \"$POSTGRES_DB\" -At'",
                     input=sql).stdout


def _backup(server, app):
    """One backup through the real unit (its sandbox included); the new backup's directory."""
    before = set(server.sh(f"ls {BACKUPS}/{app} 2>/dev/null || true", check=False).stdout.split())
    server.sh(f"systemctl start selfhost-{app}-backup.service")
    made = sorted(set(server.sh(f"ls {BACKUPS}/{app}").stdout.split()) - before)
    assert len(made) == 1 and made[0].endswith("Z"), made
    return f"{BACKUPS}/{app}/{made[0]}"


def _copy_as_newest(server, backup):
    """A copy of `backup` that sorts after every real one (a later UTC stamp): what verify picks."""
    copy = os.path.join(os.path.dirname(backup), "29991231T235959Z")
    server.sh(f"rm -rf {copy} && cp -a {backup} {copy}")
    return copy


def _verify(server, app):
    report, p = server.json("backup", "verify", app, "--box", BOX, want=(0, 1))
    (result,) = report["apps"]
    return p.returncode, result


def test_a_backup_records_what_it_holds(server):
    _psql(server, "umami", "CREATE TABLE e2e_items (id int primary key, label text);"
                           "INSERT INTO e2e_items SELECT g, 'item ' || g FROM generate_series(1, 1000) g;"
                           "CREATE TABLE e2e_small (id int); INSERT INTO e2e_small VALUES (1), (2), (3);")
    backup = _backup(server, "umami")
    manifest = json.loads(server.sh(f"cat {backup}/manifest.json").stdout)
    (db,) = manifest["databases"]
    assert db["kind"] == "postgres" and db["tables"]["public.e2e_items"] == 1000 and db["tables"]["public.e2e_small"] == 3
    files = {f["name"]: f for f in manifest["files"]}
    assert {".env", "compose.yaml", db["file"]} <= set(files)
    sums = dict(l.split()[::-1] for l in server.sh(f"cd {backup} && sha256sum .env compose.yaml {db['file']}").stdout.splitlines())
    assert all(files[n]["sha256"] == sums[n] for n in sums)
    assert server.sh(f"stat -c %a {backup}/manifest.json").stdout.strip() == "600"


def test_backup_verify_passes_on_a_good_backup_and_status_shows_it(server):
    t = time.monotonic()
    code, r = _verify(server, "umami")
    FIGURES["verify_umami_seconds"] = round(time.monotonic() - t, 1)
    assert code == 0 and r["ok"], r["problems"]
    tables = {x["table"]: x for x in r["databases"][0]["tables"]}
    assert tables["public.e2e_items"]["restored_rows"] == 1000 and tables["public.e2e_small"]["restored_rows"] == 3
    # Nothing of the scratch project is left, and the live app was not touched.
    left = server.sh("docker ps -a -q --filter label=com.docker.compose.project=selfhost-verify-umami; "
                     "docker volume ls -q | grep selfhost-verify || true; docker network ls --format '{{.Name}}' | grep selfhost-verify || true").stdout.split()
    assert left == []
    assert _psql(server, "umami", "SELECT count(*) FROM e2e_items;").strip() == "1000"
    status, _ = server.json("status", "--box", BOX, "--interval", "0.1", want=(0, 1))
    umami = next(a for a in status["apps"] if a["id"] == "umami")
    assert umami["backup"]["last_verify_ok"] is True and umami["backup"]["last_verified_at"]


def test_backup_verify_fails_on_a_truncated_dump(server):
    good = server.sh(f"ls -d {BACKUPS}/umami/2026* | tail -n 1").stdout.strip()
    bad = _copy_as_newest(server, good)
    try:
        dump = json.loads(server.sh(f"cat {bad}/manifest.json").stdout)["databases"][0]["file"]
        server.sh(f"truncate -s $(( $(stat -c %s {bad}/{dump}) / 2 )) {bad}/{dump}")
        code, r = _verify(server, "umami")
        assert code == 1 and not r["ok"]
        assert any(p.startswith(f"{dump}: ") and "bytes, the backup recorded" in p for p in r["problems"]), r["problems"]
        assert any("pg_restore failed" in p for p in r["problems"]), r["problems"]
        status, _ = server.json("status", "--box", BOX, "--interval", "0.1", "--check", want=(1,))
        assert any(p["kind"] == "backup" and "restore drill failed" in p["message"] for p in status["problems"])
    finally:
        server.sh(f"rm -rf {bad}")


def test_backup_verify_fails_on_a_missing_table(server):
    """A dump that lacks a table the backup recorded (its checksum made to match, so only the
    restore can tell): pg_dump -T leaves it out."""
    good = server.sh(f"ls -d {BACKUPS}/umami/2026* | tail -n 1").stdout.strip()
    bad = _copy_as_newest(server, good)
    try:
        manifest = json.loads(server.sh(f"cat {bad}/manifest.json").stdout)
        dump = manifest["databases"][0]["file"]
        server.sh(f"cd {BOX}/umami && docker compose exec -T db sh -c 'pg_dump -U \"$POSTGRES_USER\" --format=custom "
                  f"-T public.e2e_small \"$POSTGRES_DB\"' > {bad}/{dump}")
        for f in manifest["files"]:
            if f["name"] == dump:
                f["bytes"] = int(server.sh(f"stat -c %s {bad}/{dump}").stdout)
                f["sha256"] = server.sh(f"sha256sum {bad}/{dump}").stdout.split()[0]
        server.sh(f"cat > {bad}/manifest.json", input=json.dumps(manifest))
        code, r = _verify(server, "umami")
        assert code == 1
        assert r["problems"] == ["db/umami: table public.e2e_small is missing from the restore (the backup recorded 3 rows)"], r["problems"]
    finally:
        server.sh(f"rm -rf {bad}")


def test_backup_verify_fails_on_a_changed_archive(server):
    backup = _backup(server, "gitea")
    t = time.monotonic()
    code, r = _verify(server, "gitea")
    FIGURES["verify_gitea_seconds"] = round(time.monotonic() - t, 1)
    assert code == 0, r["problems"]
    bad = _copy_as_newest(server, backup)
    try:
        archive = server.sh(f"cd {bad} && ls *.tar.gz | head -n 1").stdout.strip()
        assert archive, "gitea's backup has no volume archive"
        # One byte in the middle of the archive flipped.
        server.sh(f"python3 -c \"import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=0xff; open(p,'wb').write(b)\" {bad}/{archive}")
        code, r = _verify(server, "gitea")
        assert code == 1
        assert any(p.startswith(f"{archive}: SHA-256 ") for p in r["problems"]), r["problems"]
    finally:
        server.sh(f"rm -rf {bad}")


def test_backup_verify_of_the_whole_box(server):
    _backup(server, "listmonk")
    _backup(server, ADDED)
    t = time.monotonic()
    report, p = server.json("backup", "verify", "--box", BOX, want=(0, 1))
    FIGURES["verify_box_seconds"] = round(time.monotonic() - t, 1)
    assert p.returncode == 0 and report["ok"], [(a["app"], a["problems"]) for a in report["apps"]]
    assert sorted(a["app"] for a in report["apps"]) == sorted(APPS + [ADDED])
    for a in APPS:
        assert json.loads(server.sh(f"cat {BACKUPS}/{a}/.verified.json").stdout)["ok"] is True


def test_verify_after_the_drills(server):
    """Every app now has backups and a passed restore drill: verify is green with every drill proven
    (none pending), gatus included."""
    t = time.monotonic()
    report, p = server.verify(want=(0, 1))
    FIGURES["verify_after_drills_seconds"] = round(time.monotonic() - t, 1)
    failed = [i for s in report["sections"] for i in s["items"] if not i["ok"]]
    assert p.returncode == 0 and report["ok"], json.dumps(failed, indent=1)[-4000:]
    restore = _sections(report)["restore"]
    assert [(i["subject"], i["ok"], i["pending"]) for i in restore["items"]] == [(a, True, False) for a in sorted(APPS + [ADDED])]
