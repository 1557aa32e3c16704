import Foundation

/// RAM figures for one self-hosted app, as upstream publishes them (often not at all).
public struct AppRAM: Sendable, Hashable {
    public var id: String
    public var name: String
    public var ramMinMB: Int?
    public var ramRecommendedMB: Int?
    /// The catalog's `resources.notes` (why a figure is missing, when it is).
    public var notes: String? = nil
}

/// Where app RAM comes from. The shipped implementation is the loaded catalog's
/// `App.resources` (`CatalogModelAppRAMSource`): the same `CatalogLoader` path as every command.
public protocol AppRAMSource: Sendable {
    func ram(for app: String) throws -> AppRAM?
    var knownApps: [String] { get }
}

/// The RAM one app is budgeted with, and why.
public struct AppBudget: Sendable, Hashable, Encodable {
    public var app: String
    public var ramMB: Int
    /// `recommended`, `minimum`, `flag` (--ram) or `assumed` (upstream publishes nothing).
    public var basis: String
    /// The catalog's note on the figure (e.g. why none is published).
    public var note: String? = nil
}

enum AppBudgeting {
    /// Resolves each app's RAM: `--ram app=MB` wins, then upstream's recommended, then minimum,
    /// then the visible assumption `assumeMB`. Unknown apps need `--ram`.
    static func budgets(apps: [String], overrides: [String], assumeMB: Int, source: AppRAMSource) throws -> [AppBudget] {
        let flags = try Self.overrides(overrides)
        var out: [AppBudget] = []
        for raw in apps {
            let app = raw.lowercased()
            if let mb = flags[app] { out.append(AppBudget(app: app, ramMB: mb, basis: "flag")); continue }
            guard let info = try source.ram(for: app) else {
                let hint = Suggestions.didYouMean(app, in: source.knownApps).map { $0 + "; " } ?? ""
                throw SelfhostError.usage("unknown app '\(raw)': not in the catalog", remedy: "\(hint)pass --ram \(app)=MB to price it anyway, or see `selfhost catalog list`")
            }
            // A user's catalog overlay may hold any integer: range-checked before it is summed.
            for figure in [info.ramRecommendedMB, info.ramMinMB].compactMap({ $0 }) where !(1...InputBudget.maxRAMMB).contains(figure) {
                throw SelfhostError.usage("the catalog gives \(app) a RAM figure of \(figure) MB, outside 1…\(InputBudget.maxRAMMB)",
                                          remedy: "fix resources.ram_min_mb / ram_recommended_mb in catalog/apps/\(app).yaml (`selfhost catalog check` lists it), or pass --ram \(app)=MB")
            }
            if let r = info.ramRecommendedMB { out.append(AppBudget(app: app, ramMB: r, basis: "recommended")) }
            else if let r = info.ramMinMB { out.append(AppBudget(app: app, ramMB: r, basis: "minimum")) }
            else { out.append(AppBudget(app: app, ramMB: assumeMB, basis: "assumed", note: info.notes)) }
        }
        for key in flags.keys where !apps.map({ $0.lowercased() }).contains(key) {
            throw SelfhostError.usage("--ram names '\(key)', which is not in --apps", remedy: "add it to --apps or drop the --ram item")
        }
        return out
    }

    /// Parses `--ram APP=MB` items (validated whether or not apps are priced: bad input is never
    /// ignored). Keys are lower-cased app ids.
    static func overrides(_ items: [String]) throws -> [String: Int] {
        var flags: [String: Int] = [:]
        for item in items {
            let p = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard p.count == 2, !p[0].isEmpty, p[1].allSatisfy({ $0.isASCII && $0.isNumber }), let mb = Int(p[1]), mb > 0, mb <= InputBudget.maxRAMMB else {
                throw SelfhostError.usage("invalid --ram '\(item)'", remedy: "use APP=MB with a whole number of MB (10^6 bytes) from 1 to \(InputBudget.maxRAMMB), e.g. --ram rocketchat=2048")
            }
            if flags[p[0].lowercased()] != nil {
                throw SelfhostError.usage("--ram gives \(p[0]) twice", remedy: "give one --ram item per app")
            }
            flags[p[0].lowercased()] = mb
        }
        return flags
    }
}

/// App RAM from the lead's catalog model (`Catalog` / `App.resources`), the default source.
public struct CatalogModelAppRAMSource: AppRAMSource {
    public let catalog: Catalog
    public init(catalog: Catalog) { self.catalog = catalog }

    public var knownApps: [String] { catalog.apps.map(\.id) }

    public func ram(for app: String) throws -> AppRAM? {
        guard let a = catalog.app(app) else { return nil }
        return AppRAM(id: a.id, name: a.name, ramMinMB: a.resources.ramMinMB, ramRecommendedMB: a.resources.ramRecommendedMB, notes: a.resources.notes)
    }
}
