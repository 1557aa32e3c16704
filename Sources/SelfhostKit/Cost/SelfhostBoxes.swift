import Foundation

/// The servers self-hosting `--apps` takes: one shared box for the apps `render` deploys side by
/// side (sized by `BoxMemory`, the same sum render prints), and a server of its own for each
/// app that installs as a platform on the host (Dokku, Coolify, CapRover: their own proxy on
/// ports 80/443, their own Docker setup), which cannot share the box.
public struct SelfhostBoxes: Sendable, Encodable {
    public struct OwnServer: Sendable, Encodable {
        public var app: String
        /// The catalog's install method (`host`, `installer`, `launcher`).
        public var installMethod: String
        public var memory: BoxMemory
    }

    /// Nil when every app needs a server of its own.
    public var shared: BoxMemory?
    public var ownServers: [OwnServer]

    /// Install methods whose apps take over the host (see `App.Install.method`).
    public static let ownServerMethods: Set<String> = ["host", "installer", "launcher"]

    public static func plan(apps: [String], catalog: Catalog?, store: ResourceStore, ramOverrides: [String: Int], appDefaultMB: Int) throws -> SelfhostBoxes {
        var sharedApps: [String] = []
        var own: [OwnServer] = []
        for id in apps {
            if let method = catalog?.app(id)?.install.method, ownServerMethods.contains(method) {
                // No Caddy: the platform brings its own proxy on 80/443.
                var m = try BoxMemory.plan(apps: [id], catalog: catalog, store: store, ramOverrides: ramOverrides, appDefaultMB: appDefaultMB)
                m.totalMib -= m.caddyMib
                m.caddyMib = 0
                own.append(OwnServer(app: id, installMethod: method, memory: m))
            } else {
                sharedApps.append(id)
            }
        }
        let shared = sharedApps.isEmpty ? nil
            : try BoxMemory.plan(apps: sharedApps, catalog: catalog, store: store, ramOverrides: ramOverrides, appDefaultMB: appDefaultMB)
        return SelfhostBoxes(shared: shared, ownServers: own)
    }

    /// Each app's memory weight (MiB): its services on the shared box, or its whole own server.
    public var weights: [String: Int] {
        var w: [String: Int] = [:]
        for a in shared?.apps ?? [] { w[a.app] = a.mib }
        for o in ownServers { w[o.app] = o.memory.totalMib }
        return w
    }

    /// "≈ 22.6 GiB (23,153 MiB of services + Caddy 245 MiB + system 977 MiB)" and the own servers.
    public var text: String {
        var parts: [String] = []
        if let s = shared {
            let services = s.apps.reduce(0) { $0 + $1.mib }
            parts.append("≈ \(Money.plain(s.gib, scale: 1)) GiB (\(Money.plain(Decimal(services), scale: 0)) MiB of app services + Caddy \(s.caddyMib) MiB + system \(s.systemReserveMib) MiB)")
        }
        for o in ownServers {
            parts.append("\(o.app) on a server of its own ≈ \(Money.plain(o.memory.gib, scale: 1)) GiB (it installs as a platform on the host)")
        }
        return parts.joined(separator: "; ")
    }
}
