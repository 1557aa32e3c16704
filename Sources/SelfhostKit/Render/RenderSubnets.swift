/// The subnet of each app's web network (the network it shares with Caddy).
///
/// Docker picks a network's subnet when it creates it, so without one given an app can't know
/// its proxy's address: Nextcloud's `TRUSTED_PROXIES` stayed empty and its brute-force throttling
/// saw every user as Caddy. The units create each web network with `--subnet`, from
/// `<web_subnet_prefix>.N.0/24` (`templates/render/defaults.yaml`, outside Docker's default
/// address pools 172.17–31.x and 192.168.x, which Docker hands to the apps' other networks).
/// N is the lowest number free in the box, given in app order; the manifest keeps each app's
/// subnet, so re-renders never move a network that already exists. `<prefix>.255.0/24` is Caddy's
/// own edge network (`RenderBox.edgeNetwork`), never an app's.
enum RenderSubnets {
    /// The third number of the edge network's subnet, kept out of the apps' range.
    static let edgeOctet = 255

    /// Caddy's edge network: `<prefix>.255.0/24`.
    static func edge(prefix: String) throws -> String {
        guard let base = parsePrefix(prefix) else {
            throw SelfhostError.problem("\(RenderDefaults.path): web_subnet_prefix '\(prefix)' is not two numbers 0–255 like 10.231",
                                        remedy: "fix web_subnet_prefix")
        }
        return "\(base).\(edgeOctet).0/24"
    }

    /// `prefix.N.0/24` for every app in `ids`: the manifest's subnet where it has one, else the lowest free N.
    static func assign(ids: [String], previous: [String: String], prefix: String) throws -> [String: String] {
        guard let base = parsePrefix(prefix) else {
            throw SelfhostError.problem("\(RenderDefaults.path): web_subnet_prefix '\(prefix)' is not two numbers 0–255 like 10.231",
                                        remedy: "fix web_subnet_prefix")
        }
        var out: [String: String] = [:]
        var used: Set<String> = []
        for id in ids {
            guard let kept = previous[id] else { continue }
            guard isCIDR(kept) else {
                throw SelfhostError.usage("the render manifest gives \(id) the subnet '\(RenderInputValidation.quoted(kept))', which is not an IPv4 subnet like 10.231.0.0/24",
                                          remedy: "fix `subnets` in .selfhost/manifest.json (it must match the network `docker network inspect selfhost_\(id)_web` shows)")
            }
            out[id] = kept
            used.insert(kept)
        }
        var n = 0
        for id in ids where out[id] == nil {
            while used.contains("\(base).\(n).0/24") { n += 1 }
            guard n < edgeOctet else {
                throw SelfhostError.usage("no free /24 subnet left under \(base).0.0/16 for \(id)'s web network",
                                          remedy: "split the apps into two boxes (render into another --out)")
            }
            out[id] = "\(base).\(n).0/24"
            used.insert(out[id]!)
        }
        return out
    }

    /// The subnet beside a web subnet for the app's other networks: the second number moved by
    /// `offset` (10.231.4.0/24 → 10.232.4.0/24), down instead of up near 255. Unique in the box
    /// because the web subnets are.
    static func sibling(of web: String, offset: Int) -> String {
        var parts = web.split(separator: ".").map(String.init)
        guard parts.count == 4, let b = Int(parts[1]) else { return web }
        parts[1] = String(b + offset <= 255 ? b + offset : b - offset)
        return parts.joined(separator: ".")
    }

    /// `A.B` with both numbers 0–255, normalised (no leading zeros).
    static func parsePrefix(_ s: String) -> String? {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let octets = parts.compactMap(octet)
        return octets.count == 2 ? octets.map(String.init).joined(separator: ".") : nil
    }

    /// An IPv4 subnet `a.b.c.d/len` (len 8–30), the only shape that may reach a unit's shell line and `.env`.
    static func isCIDR(_ s: String) -> Bool {
        let halves = s.split(separator: "/", omittingEmptySubsequences: false)
        guard halves.count == 2, let len = Int(halves[1]), (8...30).contains(len), halves[1].allSatisfy(\.isASCII) else { return false }
        let parts = halves[0].split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { octet($0) != nil }
    }

    static func octet(_ s: Substring) -> Int? {
        guard !s.isEmpty, s.count <= 3, s.allSatisfy({ ("0"..."9").contains($0) }), let v = Int(s), v <= 255 else { return nil }
        return v
    }
}
