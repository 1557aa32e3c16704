/// `selfhost catalog list [--category C]`: every app and SaaS, optionally in one category.
public enum CatalogListCommand {
    public struct Options: Sendable {
        public var category: String?
        public var format: OutputFormat
        public init(category: String? = nil, format: OutputFormat = .text) {
            self.category = category
            self.format = format
        }
    }

    struct Report: Encodable {
        struct AppRow: Encodable {
            var id: String
            var name: String
            var categories: [String]
            var license: String
            var openness: String
            var renderable: Bool
            var replaces: [String]
        }
        struct SaaSRow: Encodable {
            var id: String
            var name: String
            var category: String
            var alternatives: [String]
        }
        var apps: [AppRow]
        var saas: [SaaSRow]
    }

    public static func run(_ options: Options, catalog: Catalog, context: Context) throws -> ExitStatus {
        if let c = options.category, catalog.category(c) == nil {
            let ids = catalog.categories.map(\.id)
            throw SelfhostError.usage("unknown category '\(c)'" + (Suggestions.didYouMean(c, in: ids).map { "; \($0)" } ?? ""),
                                      remedy: "categories: " + ids.joined(separator: ", "))
        }
        let apps = catalog.apps.filter { options.category == nil || $0.categories.contains(options.category!) }
        let saas = catalog.saas.filter { options.category == nil || $0.category == options.category! }
        let report = Report(
            apps: apps.map { .init(id: $0.id, name: $0.name, categories: $0.categories, license: $0.license,
                                   openness: $0.openness.rawValue, renderable: $0.isRenderable, replaces: $0.replaces) },
            saas: saas.map { .init(id: $0.id, name: $0.name, category: $0.category, alternatives: $0.alternatives.map(\.app)) })
        if options.format == .json {
            context.stdout.write(JSONOutput.encode(report))
            return .success
        }
        let style = context.style
        var out = style.bold("SaaS (\(saas.count))") + "\n"
        // On a narrow terminal the name goes first (the id says it), then long cells are cut.
        var t1 = FittedTable(columns: [.init("ID"), .init("NAME", keep: 2, minWidth: 10), .init("CATEGORY", keep: 3, minWidth: 12),
                                       .init("ALTERNATIVES", minWidth: 16)])
        for s in report.saas { t1.add([s.id, s.name, s.category, s.alternatives.isEmpty ? "(practice)" : s.alternatives.joined(separator: ", ")]) }
        out += t1.text(width: context.width, headerStyle: style.dim)
        out += "\n" + style.bold("Apps (\(apps.count))") + "\n"
        var t2 = FittedTable(columns: [.init("ID"), .init("NAME", keep: 1, minWidth: 10), .init("CATEGORIES", keep: 4, minWidth: 12),
                                       .init("LICENSE", keep: 3, minWidth: 10), .init("OPENNESS", keep: 2), .init("RENDER")])
        for a in report.apps {
            t2.add([a.id, a.name, a.categories.joined(separator: ", "), a.license, a.openness, a.renderable ? "yes" : "no"])
        }
        out += t2.text(width: context.width, headerStyle: style.dim)
        context.stdout.write(out)
        return .success
    }
}
