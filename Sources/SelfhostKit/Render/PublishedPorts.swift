/// The host ports a box publishes for its apps' public extra ports (Git over SSH, RTMP, TURN…).
///
/// One function decides them, used by `selfhost render` (to write the compose files) and by
/// `selfhost preflight` (to probe them), so the two can never disagree. Rules, in order:
/// - a port the box already publishes (the render manifest's `published_ports`) stays where it is;
/// - otherwise the container port, or its replacement from `remap_low_ports` in
///   `templates/render/defaults.yaml` (22 → 2222: the host's sshd holds 22);
/// - taken (by an earlier app, in app-id order, or by the box already), 80 or 443 → the next port up.
///
/// Examples (fresh box, 22 → 2222):
///   gitea                      → gitea 22/tcp on 2222
///   forgejo + gitea            → forgejo on 2222, gitea on 2223
///   owncast + peertube         → owncast 1935, peertube 1936
public enum PublishedPorts {
    /// One published port: `host` on the server → `container` in the app's container.
    public struct Port: Sendable, Hashable, Codable {
        public var host: Int
        public var container: Int
        /// `tcp` or `udp`.
        public var proto: String
        /// The catalog's purpose text, as written there.
        public var purpose: String?

        public init(host: Int, container: Int, proto: String, purpose: String? = nil) {
            self.host = host
            self.container = container
            self.proto = proto
            self.purpose = purpose
        }

        /// The render manifest's key for it: `container/proto`.
        public var key: String { "\(container)/\(proto)" }
    }

    /// Host ports for every public extra port of `apps`, by app id (ports in catalog order).
    ///
    /// Pure: the same apps, remap table and previous ports give the same answer. `previous` holds
    /// what a box already publishes (app id → `container/proto` → host port, the render manifest's
    /// `published_ports`); those ports are kept and never handed to another app. Apps are taken in
    /// id order whatever order they come in.
    public static func plan(apps: [App], remap: [Int: Int], previous: [String: [String: Int]] = [:]) -> [String: [Port]] {
        let sorted = apps.sorted { $0.id < $1.id }
        var used: Set<String> = []
        for ports in previous.values {
            for (key, port) in ports { used.insert("\(port)/\(key.split(separator: "/").last ?? "tcp")") }
        }
        var out: [String: [Port]] = [:]
        for app in sorted where out[app.id] == nil {
            var ports: [Port] = []
            for p in app.extraPorts where p.public == true {
                let proto = p.protocol ?? "tcp"
                let key = "\(p.port)/\(proto)"
                var host: Int
                if let kept = previous[app.id]?[key] { host = kept } else {
                    host = remap[p.port] ?? p.port
                    // 80 and 443 are Caddy's.
                    while used.contains("\(host)/\(proto)") || host == 80 || host == 443 { host += 1 }
                    used.insert("\(host)/\(proto)")
                }
                ports.append(Port(host: host, container: p.port, proto: proto, purpose: p.purpose))
            }
            out[app.id] = ports
        }
        return out
    }

    /// The `remap_low_ports` table of `templates/render/defaults.yaml` in `store` (a `--catalog`
    /// overlay keeps the shipped one).
    public static func lowPortRemap(_ store: ResourceStore) throws -> [Int: Int] {
        try RenderDefaults.load(store).remapLowPorts
    }
}
