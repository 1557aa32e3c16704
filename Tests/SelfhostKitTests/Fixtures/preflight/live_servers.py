#!/usr/bin/env python3
"""Loopback servers for preflight's --live and --smtp-probe tests (standard library only).

    live_servers.py --cert C --key K --ip 127.0.0.10 --https-port P --http-port Q
                    [--smtp-ip 127.0.0.11 --smtp-port R] [--policy FILE]
                    [--no-hsts HOST]... [--no-redirect HOST]... [--no-starttls]

HTTPS on ip:P (one certificate for every name): /.well-known/mta-sts.txt answers FILE's text,
anything else 200 with Strict-Transport-Security unless the Host is in --no-hsts.
HTTP on ip:Q: 301 to https://<host>:P<path>, except hosts in --no-redirect (200, plain HTTP).
SMTP on smtp-ip:R: 220 greeting, EHLO advertising STARTTLS (unless --no-starttls), STARTTLS
then TLS with the same certificate, HELP/NOOP/RSET/QUIT after it.
Prints "ready" on stdout once every socket listens; exits when stdin closes.
"""
import argparse
import http.server
import socket
import socketserver
import ssl
import sys
import threading

ap = argparse.ArgumentParser()
ap.add_argument("--cert", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--ip", default="127.0.0.10")
ap.add_argument("--https-port", type=int, required=True)
ap.add_argument("--http-port", type=int, required=True)
ap.add_argument("--smtp-ip", default="127.0.0.11")
ap.add_argument("--smtp-port", type=int, default=0)
ap.add_argument("--policy")
ap.add_argument("--no-hsts", action="append", default=[])
ap.add_argument("--no-redirect", action="append", default=[])
ap.add_argument("--no-starttls", action="store_true")
args = ap.parse_args()
policy = open(args.policy, "rb").read() if args.policy else None

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(args.cert, args.key)


def host_of(handler):
    return (handler.headers.get("Host") or "").split(":")[0].lower()


class HTTPS(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        host = host_of(self)
        if self.path == "/.well-known/mta-sts.txt":
            if policy is None:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(policy)))
            self.end_headers()
            self.wfile.write(policy)
            return
        body = b"ok\n"
        self.send_response(200)
        if host not in args.no_hsts:
            self.send_header("Strict-Transport-Security", "max-age=31536000")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_GET


class HTTP(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        host = host_of(self)
        if host in args.no_redirect:
            body = b"plain\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(301)
        self.send_header("Location", "https://%s:%d%s" % (host, args.https_port, self.path))
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class TLSServer(Server):
    def get_request(self):
        sock, addr = super().get_request()
        sock.settimeout(5)
        try:
            return ctx.wrap_socket(sock, server_side=True), addr
        except (ssl.SSLError, OSError):
            sock.close()
            raise


def smtp_session(conn):
    conn.settimeout(5)
    f = conn.makefile("rb")
    out = conn

    def send(line):
        out.sendall(line.encode() + b"\r\n")

    send("220 mx.test ESMTP loopback")
    tls = False
    while True:
        line = f.readline()
        if not line:
            return
        cmd = line.strip().decode(errors="replace").upper()
        if cmd.startswith("EHLO"):
            caps = ["250-mx.test", "250-PIPELINING", "250-SIZE 10240000"]
            if not tls and not args.no_starttls:
                caps.append("250-STARTTLS")
            caps.append("250 8BITMIME")
            out.sendall(("\r\n".join(caps) + "\r\n").encode())
        elif cmd.startswith("HELO"):
            send("250 mx.test")
        elif cmd == "STARTTLS" and not tls and not args.no_starttls:
            send("220 2.0.0 Ready to start TLS")
            out = ctx.wrap_socket(conn, server_side=True)
            f = out.makefile("rb")
            tls = True
        elif cmd == "QUIT":
            send("221 2.0.0 Bye")
            return
        elif cmd.startswith("HELP"):
            send("214 2.0.0 loopback test server")
        elif cmd in ("NOOP", "RSET"):
            send("250 2.0.0 OK")
        else:
            send("502 5.5.2 not implemented")


def smtp_loop(sock):
    while True:
        try:
            c, _ = sock.accept()
        except OSError:
            return

        def run(c=c):
            try:
                smtp_session(c)
            except (OSError, ssl.SSLError):
                pass
            finally:
                c.close()

        threading.Thread(target=run, daemon=True).start()


servers = [TLSServer((args.ip, args.https_port), HTTPS), Server((args.ip, args.http_port), HTTP)]
for s in servers:
    threading.Thread(target=s.serve_forever, daemon=True).start()
if args.smtp_port:
    smtp = socket.socket()
    smtp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    smtp.bind((args.smtp_ip, args.smtp_port))
    smtp.listen(16)
    threading.Thread(target=smtp_loop, args=(smtp,), daemon=True).start()
print("ready", flush=True)
sys.stdin.read()
