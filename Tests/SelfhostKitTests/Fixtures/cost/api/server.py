#!/usr/bin/env python3
"""A loopback stand-in for Linode's public plan catalog (GET /v4/linode/types), for
`cost --refresh` tests. The first path segment picks the behaviour:
/ok (a whole answer), /e500 (HTTP 500), /e404, /malformed (not JSON), /partial (page 1 of 2),
/badplan (a plan without a price), /slow (answers after 3 s).
Prints "port N" on stdout once listening on 127.0.0.1; serves until killed.
"""
import http.server, json, socketserver, sys, time

TYPES = {
    "data": [
        {"id": "g6-nanode-1", "label": "Nanode 1GB", "class": "nanode", "vcpus": 1, "memory": 1024, "disk": 25600,
         "transfer": 1000, "price": {"hourly": 0.0075, "monthly": 5.0}},
        {"id": "g6-standard-4", "label": "Linode 8GB", "class": "standard", "vcpus": 4, "memory": 8192, "disk": 163840,
         "transfer": 5000, "price": {"hourly": 0.115, "monthly": 77.25}},
        {"id": "g6-standard-16", "label": "Linode 64GB", "class": "standard", "vcpus": 16, "memory": 65536, "disk": 1310720,
         "transfer": 20000, "price": {"hourly": 0.6, "monthly": 401.5}},
        {"id": "g1-gpu-rtx6000-1", "label": "Dedicated 32GB + RTX6000 GPU x1", "class": "gpu", "vcpus": 8, "memory": 32768,
         "disk": 655360, "transfer": 16000, "price": {"hourly": 0, "monthly": 0}},
    ],
    "page": 1, "pages": 1, "results": 4,
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body, ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        mode = self.path.split("/")[1]
        if not self.path.split("?")[0].endswith("/v4/linode/types"):
            return self.send(404, b'{"errors": [{"reason": "Not found"}]}')
        if mode == "ok":
            return self.send(200, json.dumps(TYPES).encode())
        if mode == "e500":
            return self.send(500, b'{"errors": [{"reason": "Internal error"}]}')
        if mode == "e404":
            return self.send(404, b'{"errors": [{"reason": "Not found"}]}')
        if mode == "malformed":
            return self.send(200, b'{"data": [ {"id": "g6-nanode-1", ')
        if mode == "partial":
            return self.send(200, json.dumps(dict(TYPES, pages=2, results=8)).encode())
        if mode == "badplan":
            bad = json.loads(json.dumps(TYPES))
            del bad["data"][1]["price"]
            return self.send(200, json.dumps(bad).encode())
        if mode == "slow":
            time.sleep(3)
            return self.send(200, json.dumps(TYPES).encode())
        return self.send(404, b"{}")


class TCP(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


if __name__ == "__main__":
    server = TCP(("127.0.0.1", 0), Handler)
    print("port", server.server_address[1], flush=True)
    server.serve_forever()
