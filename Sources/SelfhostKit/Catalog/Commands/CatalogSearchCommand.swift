/// `selfhost catalog search <words>`: entries whose id, name, aliases, summary or categories
/// contain every word (case-insensitive).
public enum CatalogSearchCommand {
    public struct Options: Sendable {
        public var words: [String]
        public var format: OutputFormat
        public init(words: [String], format: OutputFormat = .text) {
            self.words = words
            self.format = format
        }
    }

    struct Hit: Encodable {
        var kind: String
        var id: String
        var name: String
        var summary: String
    }

    struct Report: Encodable {
        var query: [String]
        var results: [Hit]
    }

    public static func run(_ options: Options, catalog: Catalog, context: Context) throws -> ExitStatus {
        let words = options.words.flatMap { $0.lowercased().split(separator: " ").map(String.init) }
        guard !words.isEmpty else { throw SelfhostError.usage("nothing to search for", remedy: "give one or more words, e.g. `selfhost catalog search analytics`") }
        func matches(_ haystack: [String]) -> Bool {
            let text = haystack.joined(separator: " ").lowercased()
            return words.allSatisfy { text.contains($0) }
        }
        var hits: [Hit] = []
        for s in catalog.saas where matches([s.id, s.name, s.summary, s.category] + s.aliases) {
            hits.append(.init(kind: "saas", id: s.id, name: s.name, summary: s.summary))
        }
        for a in catalog.apps where matches([a.id, a.name, a.summary, a.language, a.license] + a.categories + a.replaces) {
            hits.append(.init(kind: "app", id: a.id, name: a.name, summary: a.summary))
        }
        if options.format == .json {
            context.stdout.write(JSONOutput.encode(Report(query: words, results: hits)))
        } else if !hits.isEmpty {
            var table = FittedTable(columns: [.init("KIND"), .init("ID"), .init("NAME", keep: 1, minWidth: 10), .init("SUMMARY", minWidth: 20)])
            for h in hits { table.add([h.kind, h.id, h.name, h.summary]) }
            context.stdout.write(table.text(width: context.width, headerStyle: context.style.dim))
        }
        if hits.isEmpty {
            context.stderr.write("error: nothing in the catalog matches '\(TextFit.quoted(words.joined(separator: " ")))'\n")
            return .problems
        }
        return .success
    }
}
