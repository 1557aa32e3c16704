import Foundation

/// The loaded catalog: apps, SaaS products and categories, with look-ups by id and alias.
///
/// A catalog is either given whole (`init(apps:saas:categories:licenseIDs:)`, as the validated
/// path builds it) or read entry by entry (`init(entries:)`, the shipped catalog): then an entry is
/// decoded the first time a command asks for it, so `recommend mailchimp` decodes one SaaS and its
/// alternatives, not all 76 entries. `apps` and `saas` decode whatever is left.
public struct Catalog: Sendable {
    private let store: EntryCache

    public var apps: [App] { store.allApps() }
    public var saas: [SaaS] { store.allSaaS() }
    public var categories: [Category] { store.categories() }
    /// SPDX license ids the catalog accepts (`catalog/spdx.yaml`).
    public var licenseIDs: Set<String> { store.licenseIDs() }

    public init(apps: [App], saas: [SaaS], categories: [Category], licenseIDs: Set<String> = []) {
        store = EntryCache(whole: (apps, saas, categories, licenseIDs))
    }

    /// A catalog read on demand through `entries`.
    init(entries: Entries) {
        store = EntryCache(entries)
    }

    /// Lower-case with spaces, dashes, dots and underscores removed: "Google Analytics" ≡ "google-analytics".
    public static func normalize(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { !" -_.".unicodeScalars.contains($0) })
    }

    public func app(_ id: String) -> App? { store.app(id.lowercased()) }
    public func saas(_ id: String) -> SaaS? { store.saas(id.lowercased()) }

    /// A SaaS by id, name or alias, case- and punctuation-insensitive.
    public func findSaaS(_ query: String) -> SaaS? {
        store.saasNames()[Self.normalize(query)].flatMap { store.saas($0) }
    }

    /// Every name a person might type for a SaaS (for "did you mean").
    public var saasNamesForSuggestions: [String] {
        store.saasIndex().flatMap { [$0.id] + $0.aliases }
    }

    /// SaaS entries that list `appID` among their alternatives.
    public func saasReplaced(by appID: String) -> [SaaS] {
        saas.filter { $0.alternatives.contains { $0.app == appID } }
    }

    public func category(_ id: String) -> Category? { categories.first { $0.id == id } }

    /// How many app and SaaS entries are decoded so far (the tests hold the laziness to it).
    var decodedEntryCount: Int { store.decodedCount() }
}

extension Catalog {
    /// How a catalog read on demand reaches its entries. Ids are the entries' file names, which
    /// `catalog check` holds equal to their `id`s.
    struct Entries: Sendable {
        /// Every app id and SaaS id, sorted.
        var appIDs: [String]
        var saasIDs: [String]
        /// Each SaaS's id, name and aliases, in `saasIDs` order, known without decoding the entry.
        var saasNames: [(id: String, name: String, aliases: [String])]
        var app: @Sendable (String) -> App?
        var saas: @Sendable (String) -> SaaS?
        var categories: @Sendable () -> [Category]
        var licenseIDs: @Sendable () -> Set<String>
    }
}

/// The decoded entries so far, behind a lock (a `Catalog` is shared by value across threads).
private final class EntryCache: @unchecked Sendable {
    private let lock = NSLock()
    private let entries: Catalog.Entries?
    private var apps: [String: App] = [:]
    private var saasEntries: [String: SaaS] = [:]
    private var allAppsDecoded = false
    private var allSaaSDecoded = false
    private var cachedCategories: [Category]?
    private var cachedLicenseIDs: Set<String>?
    private var cachedNames: [String: String]?
    private var cachedIndex: [(id: String, name: String, aliases: [String])]?
    /// Given whole: sorted by id.
    private var sortedApps: [App] = []
    private var sortedSaaS: [SaaS] = []

    init(whole: ([App], [SaaS], [Category], Set<String>)) {
        entries = nil
        sortedApps = whole.0.sorted { $0.id < $1.id }
        sortedSaaS = whole.1.sorted { $0.id < $1.id }
        for a in sortedApps { apps[a.id] = a }
        for s in sortedSaaS { saasEntries[s.id] = s }
        allAppsDecoded = true
        allSaaSDecoded = true
        cachedCategories = whole.2
        cachedLicenseIDs = whole.3
    }

    init(_ entries: Catalog.Entries) {
        self.entries = entries
    }

    func decodedCount() -> Int { lock.withLock { apps.count + saasEntries.count } }

    func app(_ id: String) -> App? {
        lock.withLock {
            if let a = apps[id] { return a }
            guard let entries, !allAppsDecoded, entries.appIDs.contains(id), let a = entries.app(id) else { return nil }
            apps[id] = a
            return a
        }
    }

    func saas(_ id: String) -> SaaS? {
        lock.withLock {
            if let s = saasEntries[id] { return s }
            guard let entries, !allSaaSDecoded, entries.saasIDs.contains(id), let s = entries.saas(id) else { return nil }
            saasEntries[id] = s
            return s
        }
    }

    func allApps() -> [App] {
        lock.withLock {
            if let entries, !allAppsDecoded {
                sortedApps = entries.appIDs.compactMap { id in
                    if let a = apps[id] { return a }
                    let a = entries.app(id)
                    apps[id] = a
                    return a
                }.sorted { $0.id < $1.id }
                allAppsDecoded = true
            }
            return sortedApps
        }
    }

    func allSaaS() -> [SaaS] {
        lock.withLock {
            if let entries, !allSaaSDecoded {
                sortedSaaS = entries.saasIDs.compactMap { id in
                    if let s = saasEntries[id] { return s }
                    let s = entries.saas(id)
                    saasEntries[id] = s
                    return s
                }.sorted { $0.id < $1.id }
                allSaaSDecoded = true
            }
            return sortedSaaS
        }
    }

    func categories() -> [Category] {
        lock.withLock {
            if cachedCategories == nil { cachedCategories = entries?.categories() ?? [] }
            return cachedCategories!
        }
    }

    func licenseIDs() -> Set<String> {
        lock.withLock {
            if cachedLicenseIDs == nil { cachedLicenseIDs = entries?.licenseIDs() ?? [] }
            return cachedLicenseIDs!
        }
    }

    /// Each SaaS's id, name and aliases, sorted by id.
    func saasIndex() -> [(id: String, name: String, aliases: [String])] {
        if let index = lock.withLock({ cachedIndex }) { return index }
        let index = entries?.saasNames ?? allSaaS().map { ($0.id, $0.name, $0.aliases) }
        lock.withLock { cachedIndex = index }
        return index
    }

    /// Normalized id, name and alias → SaaS id; a name two entries share goes to the later id.
    func saasNames() -> [String: String] {
        if let names = lock.withLock({ cachedNames }) { return names }
        var names: [String: String] = [:]
        for s in saasIndex() {
            for n in [s.id, s.name] + s.aliases { names[Catalog.normalize(n)] = s.id }
        }
        lock.withLock { cachedNames = names }
        return names
    }
}
