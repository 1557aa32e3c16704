#!/usr/bin/env python3
"""A loopback container registry for `catalog outdated`'s tests: the OCI tags API behind an
anonymous Bearer token, as Docker Hub and GHCR answer it.

/v2/<repo>/tags/list needs `Authorization: Bearer tok-<repo>`; without it: 401 with
`WWW-Authenticate: Bearer realm="http://127.0.0.1:PORT/token",service="test",scope="repository:<repo>:pull"`.
/token?scope=repository:<repo>:pull hands the token out. Repositories:
  library/postgres: tags over two pages (Link: rel="next"); others per TAGS below;
  limited/app: 429 with Retry-After: 30; slow/app: answers after 5 s; missing/app: 404;
  broken/app: 200 with a body that isn't JSON; notoken/app: the token service says 403.
Prints "port N" once listening.
"""
import http.server, json, socketserver, sys, time, urllib.parse

TAGS = {
    "library/postgres": [["15-alpine", "16-alpine", "17-alpine", "17-bookworm"], ["18-alpine", "18rc1-alpine", "latest", "17.2-alpine"]],
    "org/app": [["v1.2.0", "v1.10.0", "v1.9.9", "v2.0.0-rc.1", "main"]],
    "library/caddy": [["2.11.4-alpine", "2.11.3-alpine"]],
    "notoken/app": [["1.0"]],
    "umami-software/umami": [["3.4.0", "3.5.1", "3.6.0-beta.1", "postgresql-latest"]],
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        q = urllib.parse.parse_qs(url.query)
        port = self.server.server_address[1]
        if url.path == "/token":
            repo = q.get("scope", [""])[0].split(":")[1] if ":" in q.get("scope", [""])[0] else ""
            if repo == "notoken/app" or q.get("service") != ["test"]:
                return self.send(403, b"{}")
            return self.send(200, json.dumps({"token": f"tok-{repo}"}).encode())
        if not url.path.startswith("/v2/") or not url.path.endswith("/tags/list"):
            return self.send(404)
        repo = url.path[len("/v2/"):-len("/tags/list")]
        if repo == "limited/app":
            return self.send(429, b"{}", [("Retry-After", "30")])
        if repo == "slow/app":
            time.sleep(5)
        if self.headers.get("Authorization") != f"Bearer tok-{repo}":
            challenge = f'Bearer realm="http://127.0.0.1:{port}/token",service="test",scope="repository:{repo}:pull"'
            return self.send(401, b"{}", [("WWW-Authenticate", challenge)])
        if repo == "broken/app":
            return self.send(200, b"<html>")
        pages = TAGS.get(repo)
        if pages is None:
            return self.send(404, b'{"errors":[{"code":"NAME_UNKNOWN"}]}')
        page = int(q.get("last", ["0"])[0] or 0)
        headers = []
        if page + 1 < len(pages):
            headers.append(("Link", f'</v2/{repo}/tags/list?n=1000&last={page + 1}>; rel="next"'))
        self.send(200, json.dumps({"name": repo, "tags": pages[page]}).encode(), headers)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


if __name__ == "__main__":
    s = Server(("127.0.0.1", 0), Handler)
    print("port", s.server_address[1], flush=True)
    s.serve_forever()
