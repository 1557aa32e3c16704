#!/usr/bin/env python3
"""A loopback stand-in for the price APIs `cost --refresh` reads, in their documented shapes:
Linode (GET /v4/linode/types), Vultr (GET /v2/plans, cursor paging), Azure Retail Prices
(GET /api/retail/prices, NextPageLink), Hetzner Cloud (GET /v1/server_types, bearer token, page
paging) and DigitalOcean (GET /v2/sizes, bearer token, links.pages.next). The first path segment
picks the behaviour: /ok (a whole answer, the token-paged APIs in two pages), /e500, /e404, /e401,
/e429, /malformed (not JSON), /partial (a page or plans missing), /badplan (a plan without a
price), /slow (answers after 3 s). The account APIs answer 401 without "Bearer test-token".
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


VULTR = {
    "plans": [
        {"id": "vc2-1c-1gb", "vcpu_count": 1, "ram": 1024, "disk": 25, "disk_count": 1, "bandwidth": 1024,
         "monthly_cost": 5, "hourly_cost": 0.007, "type": "vc2", "locations": ["ewr"]},
        {"id": "vc2-24c-96gb", "vcpu_count": 24, "ram": 98304, "disk": 1600, "disk_count": 1, "bandwidth": 15360,
         "monthly_cost": 640, "hourly_cost": 0.952, "type": "vc2", "locations": ["ewr"]},
        {"id": "voc-g-32c-128gb-640s-amd", "vcpu_count": 32, "ram": 131072, "disk": 640, "disk_count": 1,
         "bandwidth": 10240, "monthly_cost": 960, "hourly_cost": 1.429, "type": "voc-g", "locations": ["ewr"]},
        {"id": "vcg-a100-1c-6g-4vram", "vcpu_count": 1, "ram": 6144, "disk": 70, "disk_count": 1, "bandwidth": 1024,
         "monthly_cost": 90, "hourly_cost": 0.134, "type": "vcg", "locations": ["ewr"]},
    ],
    "meta": {"total": 4, "links": {"next": "", "prev": ""}},
}

AZURE = [
    {"currencyCode": "USD", "retailPrice": 0.192, "unitPrice": 0.192, "armRegionName": "eastus", "location": "US East",
     "meterName": "D4s v5", "productName": "Virtual Machines Dsv5 Series", "skuName": "D4s v5",
     "serviceName": "Virtual Machines", "armSkuName": "Standard_D4s_v5", "unitOfMeasure": "1 Hour", "type": "Consumption"},
    {"currencyCode": "USD", "retailPrice": 0.376, "unitPrice": 0.376, "armRegionName": "eastus", "location": "US East",
     "meterName": "D4s v5", "productName": "Virtual Machines Dsv5 Series Windows", "skuName": "D4s v5",
     "serviceName": "Virtual Machines", "armSkuName": "Standard_D4s_v5", "unitOfMeasure": "1 Hour", "type": "Consumption"},
    {"currencyCode": "USD", "retailPrice": 0.0384, "unitPrice": 0.0384, "armRegionName": "eastus", "location": "US East",
     "meterName": "D4s v5 Spot", "productName": "Virtual Machines Dsv5 Series", "skuName": "D4s v5 Spot",
     "serviceName": "Virtual Machines", "armSkuName": "Standard_D4s_v5", "unitOfMeasure": "1 Hour", "type": "Consumption"},
    {"currencyCode": "USD", "retailPrice": 0.384, "unitPrice": 0.384, "armRegionName": "eastus", "location": "US East",
     "meterName": "D8s v5", "productName": "Virtual Machines Dsv5 Series", "skuName": "D8s v5",
     "serviceName": "Virtual Machines", "armSkuName": "Standard_D8s_v5", "unitOfMeasure": "1 Hour", "type": "Consumption"},
    {"currencyCode": "USD", "retailPrice": 0.768, "unitPrice": 0.768, "armRegionName": "eastus", "location": "US East",
     "meterName": "D16s v5", "productName": "Virtual Machines Dsv5 Series", "skuName": "D16s v5",
     "serviceName": "Virtual Machines", "armSkuName": "Standard_D16s_v5", "unitOfMeasure": "1 Hour", "type": "Consumption"},
    {"currencyCode": "USD", "retailPrice": 1.600, "unitPrice": 1.600, "armRegionName": "eastus", "location": "US East",
     "meterName": "D32s v5", "productName": "Virtual Machines Dsv5 Series", "skuName": "D32s v5",
     "serviceName": "Virtual Machines", "armSkuName": "Standard_D32s_v5", "unitOfMeasure": "1 Hour", "type": "Consumption"},
]


def hetzner_type(name, cores, memory, disk, net, cpu="shared", deprecated=False, locations=("fsn1", "nbg1")):
    return {"name": name, "description": name.upper(), "cores": cores, "memory": memory, "disk": disk,
            "deprecated": deprecated, "deprecation": {"announced": "2025-01-01"} if deprecated else None,
            "cpu_type": cpu, "architecture": "x86", "storage_type": "local",
            "prices": [{"location": loc, "price_hourly": {"net": "0.0100000000", "gross": "0.0119000000"},
                        "price_monthly": {"net": net, "gross": "0"}, "included_traffic": 21990232555520,
                        "price_per_tb_traffic": {"net": "1.0000000000", "gross": "1.1900000000"}} for loc in locations]}


HETZNER_PAGES = [
    [hetzner_type("cx23", 2, 4.0, 40, "3.4900000000"), hetzner_type("cx11", 1, 2.0, 20, "3.2900000000", deprecated=True)],
    [hetzner_type("ccx53", 32, 128.0, 600, "199.9900000000", cpu="dedicated"),
     hetzner_type("cpx11", 2, 2.0, 40, "4.9900000000", locations=("ash",))],
]

DO_PAGES = [
    [{"slug": "s-1vcpu-1gb", "memory": 1024, "vcpus": 1, "disk": 25, "transfer": 1.0, "price_monthly": 6.0,
      "price_hourly": 0.00893, "regions": ["ams3"], "available": True, "description": "Basic"}],
    [{"slug": "g-32vcpu-128gb", "memory": 131072, "vcpus": 32, "disk": 400, "transfer": 10.0, "price_monthly": 1008.0,
      "price_hourly": 1.5, "regions": ["ams3"], "available": True, "description": "General Purpose"},
     {"slug": "s-old", "memory": 512, "vcpus": 1, "disk": 20, "transfer": 0.5, "price_monthly": 4.0,
      "price_hourly": 0.006, "regions": [], "available": False, "description": "Basic"}],
]


def query(path):
    from urllib.parse import urlparse, parse_qs
    return parse_qs(urlparse(path).query)


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
        route = self.path.split("?")[0]
        if mode == "e401":
            return self.send(401, b'{"error": {"code": "unauthorized", "message": "unable to authenticate"}}')
        if mode == "e429":
            return self.send(429, b'{"error": {"code": "rate_limit_exceeded"}}')
        for suffix, api in (("/v2/plans", self.vultr), ("/api/retail/prices", self.azure),
                            ("/v1/server_types", self.hetzner), ("/v2/sizes", self.digitalocean)):
            if route.endswith(suffix):
                if mode == "slow":
                    time.sleep(3)
                if mode in ("e500", "e404"):
                    return self.send(int(mode[1:]), b'{"error": "x"}')
                if mode == "malformed":
                    return self.send(200, b'{"plans": [ {"id": ')
                return api(mode)
        if not route.endswith("/v4/linode/types"):
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


    def base(self):
        return "http://127.0.0.1:%d/%s" % (self.server.server_address[1], self.path.split("/")[1])

    def vultr(self, mode):
        body = json.loads(json.dumps(VULTR))
        if mode == "partial":
            body["meta"]["total"] = 9
        if mode == "badplan":
            del body["plans"][1]["monthly_cost"]
        return self.send(200, json.dumps(body).encode())

    def azure(self, mode):
        flt = query(self.path).get("$filter", [""])[0]
        items = [i for i in AZURE if "'%s'" % i["armSkuName"] in flt]
        if mode == "partial":
            items = [i for i in items if i["armSkuName"] != "Standard_D32s_v5"]
        skip = int(query(self.path).get("skip", ["0"])[0])
        page, rest = items[skip:skip + 3], items[skip + 3:]
        nxt = None
        if rest:
            nxt = self.base() + "/api/retail/prices?$filter=" + __import__("urllib.parse").parse.quote(flt) + "&skip=%d" % (skip + 3)
        return self.send(200, json.dumps({"BillingCurrency": "USD", "Items": page, "NextPageLink": nxt, "Count": len(page)}).encode())

    def authorized(self):
        return self.headers.get("Authorization") == "Bearer test-token"

    def hetzner(self, mode):
        if not self.authorized():
            return self.send(401, b'{"error": {"code": "unauthorized", "message": "unable to authenticate"}}')
        page = int(query(self.path).get("page", ["1"])[0])
        last = 1 if mode == "partial" else len(HETZNER_PAGES)
        types = json.loads(json.dumps(HETZNER_PAGES[page - 1]))
        if mode == "badplan":
            del types[0]["prices"][0]["price_monthly"]
        nxt = page + 1 if page < len(HETZNER_PAGES) and mode != "partial" else None
        return self.send(200, json.dumps({"server_types": types, "meta": {"pagination": {
            "page": page, "per_page": 50, "previous_page": None, "next_page": nxt, "last_page": last,
            "total_entries": 4}}}).encode())

    def digitalocean(self, mode):
        if not self.authorized():
            return self.send(401, b'{"id": "Unauthorized", "message": "Unable to authenticate you"}')
        page = int(query(self.path).get("page", ["1"])[0])
        sizes = DO_PAGES[page - 1]
        links = {"pages": {}}
        if page < len(DO_PAGES):
            links["pages"]["next"] = self.base() + "/v2/sizes?per_page=200&page=%d" % (page + 1)
        total = 9 if mode == "partial" else sum(len(p) for p in DO_PAGES)
        return self.send(200, json.dumps({"sizes": sizes, "links": links, "meta": {"total": total}}).encode())


class TCP(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


if __name__ == "__main__":
    server = TCP(("127.0.0.1", 0), Handler)
    print("port", server.server_address[1], flush=True)
    server.serve_forever()
