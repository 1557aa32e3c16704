"""The setup gate on the real engine (issue 10): a gated app's host answers 401 without the password
in <app>/gate-password and the app (its stand-in) with it; after `selfhost render APP --open` and a
Caddy reload (`systemctl reload selfhost-caddy`, i.e. caddy/reload.sh), the app without it.
A preseeded app (listmonk) in the same box has no gate at all."""
import os
import time

from conftest import _curl

GATED = "umami"       # catalog first_start: default-credentials, closed_by: gate
PRESEEDED = "listmonk"  # closed_by: preseed


def _get(box, host, user=None, path="/"):
    args = ["-k", "--resolve", f"{host}:443:127.0.0.1"]
    if user is not None:
        args += ["-u", user]
    return _curl(args + [f"https://{host}{path}"], 20)


def _until(fn, ok, tries=10):
    r = fn()
    for _ in range(tries):  # Caddy issues its local certificates right after start
        if ok(r):
            break
        time.sleep(3)
        r = fn()
    return r


def test_gate_then_open(box_factory):
    box = box_factory([GATED, PRESEEDED])
    password_file = os.path.join(box.dir, GATED, "gate-password")
    assert oct(os.stat(password_file).st_mode & 0o777) == "0o600"
    with open(password_file) as f:
        password = f.read().strip()
    assert box.manifest()["gates"][GATED]["state"] == "closed"
    assert PRESEEDED not in box.manifest()["gates"]
    box.start()
    box.wait_healthy()
    host = box.host(GATED)

    anonymous = _until(lambda: _get(box, host), lambda r: r["status"] == 401)
    assert anonymous["status"] == 401, anonymous
    assert _get(box, host, "owner:not-the-password")["status"] == 401
    right = _get(box, host, f"owner:{password}")
    assert right["status"] == 200 and "stand-in for" in right["body"], right
    # The preseeded app needs no password.
    other = _until(lambda: _get(box, box.host(PRESEEDED)), lambda r: r["status"] == 200)
    assert other["status"] == 200, other

    box.render(GATED, extra=("--open",))
    assert box.manifest()["gates"][GATED]["state"] == "open"
    box.caddy_local_certs()   # the test's local_certs line, on the re-rendered Caddyfile
    box.reload_caddy()
    opened = _until(lambda: _get(box, host), lambda r: r["status"] == 200)
    assert opened["status"] == 200 and "stand-in for" in opened["body"], opened
