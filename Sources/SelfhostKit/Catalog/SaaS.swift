/// A SaaS product and its ranked open-source alternatives.
/// Mirrors `catalog/saas/<id>.yaml`; documented in docs/CATALOG.md.
public struct SaaS: Sendable, Hashable {
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

    /// Reads an entry from its parsed document.
    public init(tree r: TreeReader) throws {
        id = try r.string("id")
        name = try r.string("name")
        aliases = r.strings("aliases")
        category = try r.string("category")
        summary = try r.string("summary")
        website = try r.string("website")
        export = try r.required("export") {
            Export(formats: $0.value("formats") == nil ? nil : $0.strings("formats"), how: $0.stringIfPresent("how"),
                   docs: $0.stringIfPresent("docs"), notes: $0.stringIfPresent("notes"))
        }
        alternatives = try r.list("alternatives") { try Alternative(app: $0.string("app"), parity: $0.string("parity")) }
        practice = try r.map("practice") {
            try Practice(title: $0.string("title"), steps: $0.strings("steps"), docs: $0.value("docs") == nil ? nil : $0.strings("docs"))
        }
        sources = try r.list("sources") { try Source(tree: $0) }
    }

    public struct Export: Sendable, Hashable {
        public var formats: [String]?
        public var how: String?
        public var docs: String?
        public var notes: String?
    }

    public struct Alternative: Sendable, Hashable {
        public var app: String
        public var parity: String
    }

    public struct Practice: Sendable, Hashable {
        public var title: String
        public var steps: [String]
        public var docs: [String]?
    }
}

/// One entry of the category vocabulary (`catalog/categories.yaml`).
public struct Category: Sendable, Hashable {
    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }
    public var id: String
    public var name: String
}
