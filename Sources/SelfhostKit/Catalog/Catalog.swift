/// The loaded catalog: apps, SaaS products and categories, with look-ups by id and alias.
public struct Catalog: Sendable {
    public let apps: [App]
    public let saas: [SaaS]
    public let categories: [Category]
    /// SPDX license ids the catalog accepts (`catalog/spdx.yaml`).
    public let licenseIDs: Set<String>
    private let appIndex: [String: Int]
    private let saasIndex: [String: Int]
    /// Normalized id/name/alias → SaaS index.
    private let saasNames: [String: Int]

    public init(apps: [App], saas: [SaaS], categories: [Category], licenseIDs: Set<String> = []) {
        self.licenseIDs = licenseIDs
        self.apps = apps.sorted { $0.id < $1.id }
        self.saas = saas.sorted { $0.id < $1.id }
        self.categories = categories
        var ai: [String: Int] = [:]
        for (i, a) in self.apps.enumerated() { ai[a.id] = i }
        var si: [String: Int] = [:]
        var names: [String: Int] = [:]
        for (i, s) in self.saas.enumerated() {
            si[s.id] = i
            for n in [s.id, s.name] + s.aliases { names[Self.normalize(n), default: i] = i }
        }
        appIndex = ai
        saasIndex = si
        saasNames = names
    }

    /// Lower-case with spaces, dashes, dots and underscores removed: "Google Analytics" ≡ "google-analytics".
    public static func normalize(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { !" -_.".unicodeScalars.contains($0) })
    }

    public func app(_ id: String) -> App? { appIndex[id.lowercased()].map { apps[$0] } }
    public func saas(_ id: String) -> SaaS? { saasIndex[id.lowercased()].map { saas[$0] } }

    /// A SaaS by id, name or alias, case- and punctuation-insensitive.
    public func findSaaS(_ query: String) -> SaaS? {
        saasNames[Self.normalize(query)].map { saas[$0] }
    }

    /// Every name a person might type for a SaaS (for "did you mean").
    public var saasNamesForSuggestions: [String] {
        saas.flatMap { [$0.id] + $0.aliases }
    }

    /// SaaS entries that list `appID` among their alternatives.
    public func saasReplaced(by appID: String) -> [SaaS] {
        saas.filter { $0.alternatives.contains { $0.app == appID } }
    }

    public func category(_ id: String) -> Category? { categories.first { $0.id == id } }
}
