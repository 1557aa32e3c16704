#!/usr/bin/env python3
"""Renders the preflight test zones (Tests/SelfhostKitTests/Fixtures/preflight) into DIR and writes
a knot.conf listening on 127.0.0.1@PORT, exactly as the Swift test helper does.

    zones.py FIXTURES DIR PORT
"""
import os
import re
import sys

fixtures, out, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
keys = {}
for f in os.listdir(os.path.join(fixtures, "keys")):
    if f.endswith(".b64"):
        v = open(os.path.join(fixtures, "keys", f)).read().strip()
        n = f[:-4]
        keys[n], keys[n + ".1"], keys[n + ".2"] = v, v[: len(v) // 2], v[len(v) // 2:]


def split(m):
    body = m.group(1)
    parts = [body[i:i + 255] for i in range(0, max(len(body), 1), 255)] or [""]
    return " ".join('"%s"' % p for p in parts)


os.makedirs(os.path.join(out, "db"), exist_ok=True)
zones = []
for f in sorted(os.listdir(os.path.join(fixtures, "zones"))):
    if not f.endswith(".zone"):
        continue
    text = open(os.path.join(fixtures, "zones", f)).read()
    for k in sorted(keys, key=len, reverse=True):
        text = text.replace("{{%s}}" % k, keys[k])
    text = re.sub(r'"([^"]*)"', split, text)
    open(os.path.join(out, f), "w").write(text)
    zones.append("  - domain: %s\n    file: %s\n" % (f[:-5], os.path.join(out, f)))

open(os.path.join(out, "knot.conf"), "w").write(
    "server:\n    listen: 127.0.0.1@%d\n    rundir: %s\ndatabase:\n    storage: %s/db\nzone:\n%s"
    % (port, out, out, "".join(zones)))
