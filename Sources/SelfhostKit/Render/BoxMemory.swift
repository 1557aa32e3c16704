import Foundation

/// The memory a rendered box asks for: every service's `mem_limit` as `selfhost render` writes
/// it (each app's services and companions, from its compose template), Caddy in front, and a
/// stated reserve for the operating system and Docker. One function for `render` (its "this
/// box needs" line) and `cost --apps` (which plans fit).
public struct BoxMemory: Sendable, Encodable, Equatable {
    public struct Service: Sendable, Encodable, Equatable {
        /// Compose service (`app` for the app's own service, else the companion's service name).
        public var service: String
        public var mib: Int
        /// `app` (the catalog's RAM figure), `app_default` (none published: render's default),
        /// `override` (`--ram`), `companion:<kind>`, or `literal` (written in the template).
        public var basis: String
    }

    public struct AppPart: Sendable, Encodable, Equatable {
        public var app: String
        public var services: [Service]
        public var mib: Int
        /// False when the app has no render template: its services are the catalog's app and
        /// companions, one each (what render would write for a one-service-per-entry template).
        public var fromTemplate: Bool
    }

    public var apps: [AppPart]
    public var caddyMib: Int
    public var systemReserveMib: Int
    public var totalMib: Int

    /// Total in GiB, rounded up to a tenth.
    public var gib: Decimal {
        let tenths = (totalMib * 10 + 1023) / 1024
        return Decimal(tenths) / 10
    }

    /// The total in MB (10^6 bytes), as VPS plans' nominal GB are compared.
    public var totalMB: Decimal { Decimal(totalMib) * Decimal(1_048_576) / Decimal(1_000_000) }

    enum CodingKeys: String, CodingKey { case apps, caddyMib, systemReserveMib, totalMib, gib }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(apps, forKey: .apps)
        try c.encode(caddyMib, forKey: .caddyMib)
        try c.encode(systemReserveMib, forKey: .systemReserveMib)
        try c.encode(totalMib, forKey: .totalMib)
        try c.encode(gib, forKey: .gib)
    }

    /// Sums the box for `apps` (catalog ids). `ramOverrides` (MB, keyed by app id) replace an
    /// app's own figure, and may name apps outside the catalog (one service of that size).
    /// `appDefaultMB` replaces render's default for apps that publish no figure.
    public static func plan(apps: [String], catalog: Catalog?, store: ResourceStore,
                            ramOverrides: [String: Int] = [:], appDefaultMB: Int? = nil) throws -> BoxMemory {
        let defaults = try RenderDefaults.load(store)
        var parts: [AppPart] = []
        for id in apps {
            let app = catalog?.app(id)
            let appMB: Int
            let appBasis: String
            if let o = ramOverrides[id] { appMB = o; appBasis = "override" }
            else if let r = app?.plannedRAMMB { appMB = r; appBasis = "app" }
            else { appMB = appDefaultMB ?? defaults.appMemMB; appBasis = "app_default" }
            let appMiB = RenderDefaults.memLimitMiB(mb: appMB)
            var services: [Service] = []
            var fromTemplate = false
            if let app, let template = store.file("templates/apps/\(id)/compose.yaml.mustache") {
                fromTemplate = true
                let kinds = Dictionary(app.companions.map { ($0.service, $0.kind) }, uniquingKeysWith: { a, _ in a })
                for (service, value) in memLimits(in: template.contents) {
                    if value == "{{app.memLimit}}" {
                        services.append(Service(service: service, mib: appMiB, basis: appBasis))
                    } else if value.hasPrefix("{{companion."), value.hasSuffix(".memLimit}}") {
                        let name = String(value.dropFirst("{{companion.".count).dropLast(".memLimit}}".count))
                        let kind = kinds[name] ?? "other"
                        services.append(Service(service: service, mib: RenderDefaults.memLimitMiB(mb: defaults.companionMB(kind: kind)), basis: "companion:\(kind)"))
                    } else if let mib = Self.mib(literal: value) {
                        services.append(Service(service: service, mib: mib, basis: "literal"))
                    }
                }
            } else {
                services.append(Service(service: id, mib: appMiB, basis: appBasis))
                for c in app?.companions ?? [] {
                    services.append(Service(service: c.service, mib: RenderDefaults.memLimitMiB(mb: defaults.companionMB(kind: c.kind)), basis: "companion:\(c.kind)"))
                }
            }
            parts.append(AppPart(app: id, services: services, mib: services.reduce(0) { $0 + $1.mib }, fromTemplate: fromTemplate))
        }
        let caddy = RenderDefaults.memLimitMiB(mb: defaults.caddyMemMB)
        let reserve = RenderDefaults.memLimitMiB(mb: defaults.systemReserveMB)
        return BoxMemory(apps: parts, caddyMib: caddy, systemReserveMib: reserve,
                         totalMib: parts.reduce(0) { $0 + $1.mib } + caddy + reserve)
    }

    /// `(service, mem_limit value)` for every service of a compose template, by indentation:
    /// a two-space key under `services:` names the service, a `mem_limit:` below it its limit.
    static func memLimits(in template: String) -> [(String, String)] {
        var out: [(String, String)] = []
        var inServices = false
        var current: String?
        var inSMTP = false
        for raw in template.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            // `{{#smtp}}`: one-shots only `render --smtp` writes (listmonk's install and smtp-init),
            // which exit before the app starts: they hold no memory while the box runs.
            if line == "{{#smtp}}" { inSMTP = true; continue }
            if line == "{{/smtp}}" { inSMTP = false; continue }
            if inSMTP { continue }
            if line.hasPrefix("services:") { inServices = true; current = nil; continue }
            if line.hasPrefix("{{") { continue }  // a Mustache section or partial line, not YAML
            if let first = line.first, first != " ", first != "#" { inServices = false; current = nil; continue }
            guard inServices else { continue }
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
                current = String(line.dropFirst(2).dropLast())
                continue
            }
            let t = line.trimmingCharacters(in: .whitespaces)
            if let s = current, t.hasPrefix("mem_limit:") {
                out.append((s, t.dropFirst("mem_limit:".count).trimmingCharacters(in: .whitespaces)))
            }
        }
        return out
    }

    /// A literal Docker size (`512m`, `2g`) in MiB.
    static func mib(literal: String) -> Int? {
        let t = literal.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        guard let unit = t.last, let n = Int(t.dropLast()) else { return nil }
        switch unit {
        case "m": return n
        case "g": return n * 1024
        default: return nil
        }
    }
}
