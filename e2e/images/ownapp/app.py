"""A small web app for the end-to-end suite's own-app test (e2e/test_ownapp.py).

It uses exactly the environment `selfhost render` gives it from e2e/images/ownapp/notes.yaml:
libpq's PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE (psycopg2 reads them), REDIS_URL, APP_SECRET
and APP_HOST. Routes: GET /healthz (200 while PostgreSQL answers SELECT 1 and Redis PING, else
503), GET /notes (the rows, JSON), POST /notes (body: the note's text; stored in PostgreSQL, a
Redis counter incremented), GET / (host, counts).
"""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psycopg2
import redis

for name in ("PGHOST", "PGPASSWORD", "PGDATABASE", "REDIS_URL", "APP_SECRET", "APP_HOST"):
    if not os.environ.get(name):
        sys.exit(f"notes: {name} is not set")
if len(os.environ["APP_SECRET"]) < 32:
    sys.exit("notes: APP_SECRET is too short")

R = redis.Redis.from_url(os.environ["REDIS_URL"], socket_timeout=3, socket_connect_timeout=3)


def db():
    return psycopg2.connect(connect_timeout=3)


def migrate():
    deadline = time.monotonic() + 120
    while True:
        try:
            with db() as c, c.cursor() as cur:
                cur.execute("CREATE TABLE IF NOT EXISTS notes (id SERIAL PRIMARY KEY, body TEXT NOT NULL)")
            return
        except psycopg2.Error as e:
            if time.monotonic() > deadline:
                sys.exit(f"notes: PostgreSQL: {e}")
            time.sleep(2)


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        try:
            if self.path == "/healthz":
                with db() as c, c.cursor() as cur:
                    cur.execute("SELECT 1")
                R.ping()
                return self.reply(200, {"ok": True})
            if self.path == "/notes":
                with db() as c, c.cursor() as cur:
                    cur.execute("SELECT id, body FROM notes ORDER BY id")
                    rows = [{"id": i, "body": b} for i, b in cur.fetchall()]
                return self.reply(200, {"notes": rows, "posted": int(R.get("notes:posted") or 0)})
            if self.path == "/":
                with db() as c, c.cursor() as cur:
                    cur.execute("SELECT count(*) FROM notes")
                    count = cur.fetchone()[0]
                return self.reply(200, {"app": "notes", "host": os.environ["APP_HOST"], "notes": count,
                                        "forwarded_proto": self.headers.get("X-Forwarded-Proto")})
            return self.reply(404, {"error": "not found"})
        except (psycopg2.Error, redis.RedisError) as e:
            return self.reply(503, {"error": str(e)})

    def do_POST(self):
        if self.path != "/notes":
            return self.reply(404, {"error": "not found"})
        length = min(int(self.headers.get("Content-Length") or 0), 65536)
        text = self.rfile.read(length).decode("utf-8", "replace")
        try:
            with db() as c, c.cursor() as cur:
                cur.execute("INSERT INTO notes (body) VALUES (%s) RETURNING id", (text,))
                new_id = cur.fetchone()[0]
            R.incr("notes:posted")
            return self.reply(201, {"id": new_id})
        except (psycopg2.Error, redis.RedisError) as e:
            return self.reply(503, {"error": str(e)})

    def log_message(self, fmt, *args):
        sys.stderr.write("notes: " + (fmt % args) + "\n")


if __name__ == "__main__":
    migrate()
    ThreadingHTTPServer(("0.0.0.0", 8000), Handler).serve_forever()
