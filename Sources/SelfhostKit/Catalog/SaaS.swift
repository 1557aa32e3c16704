/// A SaaS product and its ranked open-source alternatives.
/// Mirrors `catalog/saas/<id>.yaml`; documented in docs/CATALOG.md.
public struct SaaS: Sendable, Hashable, Decodable {
    public var id: String
    public var name: String
    public var aliases: [String]
    public var category: String
    public var summary: String
    public var website: String
    public var export: Export
    /// Ranked, best first.
    public var alternatives: [Alternative]
    public var practice: Practice?
    public var sources: [Source]

    enum CodingKeys: String, CodingKey {
        case id, name, aliases, category, summary, website, export, alternatives, practice, sources
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        category = try c.decode(String.self, forKey: .category)
        summary = try c.decode(String.self, forKey: .summary)
        website = try c.decode(String.self, forKey: .website)
        export = try c.decode(Export.self, forKey: .export)
        alternatives = try c.decodeIfPresent([Alternative].self, forKey: .alternatives) ?? []
        practice = try c.decodeIfPresent(Practice.self, forKey: .practice)
        sources = try c.decode([Source].self, forKey: .sources)
    }

    public struct Export: Sendable, Hashable, Decodable {
        public var formats: [String]?
        public var how: String?
        public var docs: String?
        public var notes: String?
    }

    public struct Alternative: Sendable, Hashable, Decodable {
        public var app: String
        public var parity: String
    }

    public struct Practice: Sendable, Hashable, Decodable {
        public var title: String
        public var steps: [String]
        public var docs: [String]?
    }
}

/// One entry of the category vocabulary (`catalog/categories.yaml`).
public struct Category: Sendable, Hashable, Decodable {
    public var id: String
    public var name: String
}
