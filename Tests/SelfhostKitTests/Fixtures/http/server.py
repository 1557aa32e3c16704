#!/usr/bin/env python3
"""A loopback HTTP server for the HTTP layer's tests (TCP on 127.0.0.1 or a Unix socket).

Paths: /ok (200 "hello"), /json, /status/N, /slow/S (answers after S seconds), /big/N (N bytes),
/redirect (302 to /ok), /echo (method, headers and body back as JSON), /drip (headers, then silence).
Prints "port N" (or "unix PATH") on stdout once listening; serves until killed.
"""
import http.server, json, os, socket, socketserver, sys, time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body, ctype="text/plain", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def route(self):
        p = self.path.split("?")[0]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if p == "/ok":
            return self.send(200, b"hello", extra=[("X-Test", "yes")])
        if p == "/json":
            return self.send(200, json.dumps({"Version": "99.0.0", "ApiVersion": "1.99"}).encode(), "application/json")
        if p.startswith("/status/"):
            return self.send(int(p.split("/")[2]), json.dumps({"message": "no such thing"}).encode(), "application/json")
        if p.startswith("/slow/"):
            time.sleep(float(p.split("/")[2]))
            return self.send(200, b"late")
        if p.startswith("/big/"):
            return self.send(200, b"x" * int(p.split("/")[2]))
        if p == "/redirect":
            return self.send(302, b"", extra=[("Location", "/ok")])
        if p == "/echo":
            return self.send(200, json.dumps({"method": self.command, "body": body.decode(),
                                              "headers": {k.lower(): v for k, v in self.headers.items()}}).encode(), "application/json")
        if p == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(30)
            return
        return self.send(404, b"not found")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = route


class TCP(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Unix(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        conn, _ = super().get_request()
        return conn, ("local", 0)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--unix":
        path = sys.argv[2]
        if os.path.exists(path):
            os.unlink(path)
        server = Unix(path, Handler)
        print("unix", path, flush=True)
    else:
        server = TCP(("127.0.0.1", 0), Handler)
        print("port", server.server_address[1], flush=True)
    server.serve_forever()
