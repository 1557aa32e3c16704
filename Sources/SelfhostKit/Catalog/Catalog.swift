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
    /// One kind of entry (apps or SaaS): those decoded so far by id, and all of them, sorted by id,
    /// once every one is.
    struct Decoded<Entry> {
        var byID: [String: Entry] = [:]
        var all: [Entry]?
        var count: Int { byID.count }

        init() {}

        init(whole: [Entry], id: (Entry) -> String) {
            all = whole.sorted { id($0) < id($1) }
            for e in all! { byID[id(e)] = e }
        }

        /// The entry `id`, decoded now unless it was before.
        mutating func one(_ id: String, ids: [String]?, decode: ((String) -> Entry?)?) -> Entry? {
            if let e = byID[id] { return e }
            guard all == nil, let ids, let decode, ids.contains(id), let e = decode(id) else { return nil }
            byID[id] = e
            return e
        }

        /// Every entry, decoding those not decoded yet.
        mutating func every(ids: [String]?, decode: ((String) -> Entry?)?, id: (Entry) -> String) -> [Entry] {
            if let all { return all }
            var decoded: [Entry] = []
            for i in ids ?? [] {
                if let e = one(i, ids: ids, decode: decode) { decoded.append(e) }
            }
            let sorted = decoded.sorted { id($0) < id($1) }
            all = sorted
            return sorted
        }
    }

    private let lock = NSLock()
    private let entries: Catalog.Entries?
    private var apps = Decoded<App>()
    private var saasEntries = Decoded<SaaS>()
    private var cachedCategories: [Category]?
    private var cachedLicenseIDs: Set<String>?
    private var cachedNames: [String: String]?
    private var cachedIndex: [(id: String, name: String, aliases: [String])]?

    init(whole: ([App], [SaaS], [Category], Set<String>)) {
        entries = nil
        apps = Decoded(whole: whole.0, id: \.id)
        saasEntries = Decoded(whole: whole.1, id: \.id)
        cachedCategories = whole.2
        cachedLicenseIDs = whole.3
    }

    init(_ entries: Catalog.Entries) {
        self.entries = entries
    }

    func decodedCount() -> Int { lock.withLock { apps.count + saasEntries.count } }

    func app(_ id: String) -> App? { lock.withLock { apps.one(id, ids: entries?.appIDs, decode: entries?.app) } }
    func saas(_ id: String) -> SaaS? { lock.withLock { saasEntries.one(id, ids: entries?.saasIDs, decode: entries?.saas) } }
    func allApps() -> [App] { lock.withLock { apps.every(ids: entries?.appIDs, decode: entries?.app, id: \.id) } }
    func allSaaS() -> [SaaS] { lock.withLock { saasEntries.every(ids: entries?.saasIDs, decode: entries?.saas, id: \.id) } }

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
