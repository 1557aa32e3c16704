import Foundation

/// Reads the catalog from a `ResourceStore`, validating as it goes.
///
/// Every problem becomes a `Diagnostic` (file:line:col, message, fix). `catalog check` prints
/// them all; other commands refuse a broken catalog with the first problem (exit 2).
public enum CatalogLoader {
    /// The catalog and everything wrong with it.
    public struct Result: Sendable {
        public var catalog: Catalog
        public var diagnostics: [Diagnostic]
    }

    /// Loads and validates; never throws, so that every problem can be reported at once.
    /// With `today` (the injected clock), dates of upstream checks after it are problems too.
    public static func loadChecking(_ store: ResourceStore, today: Date? = nil) -> Result {
        var diags: [Diagnostic] = []
        for path in store.misplaced {
            diags.append(Diagnostic(.error, "not in a catalog folder, so nothing reads it", at: SourceLocation(file: path),
                                    rule: "catalog.layout",
                                    fix: "move app entries to apps/, SaaS entries to saas/, price lists to pricing/, ESP profiles to email-providers/"))
        }
        // Entries whose files could not be read: references to them are not reported again.
        var unreadable = Set<String>()
        var apps: [(App, ResourceStore.File, YAMLNode)] = []
        var saas: [(SaaS, ResourceStore.File, YAMLNode)] = []
        var categories: [Category] = []
        var spdx: Set<String> = []

        if let file = store.file("catalog/categories.yaml"),
           let node = parse(file, schema: CatalogSchema.categories, into: &diags),
           let list = node["categories"]?.items {
            for item in list {
                if let id = item["id"]?.string, let name = item["name"]?.string {
                    categories.append(Category(id: id, name: name))
                }
            }
        }
        if let file = store.file("catalog/spdx.yaml"),
           let node = parse(file, schema: CatalogSchema.spdx, into: &diags) {
            spdx = Set(node["licenses"]?.items?.compactMap(\.string) ?? [])
        }
        for file in store.files(under: "catalog/apps/") where isYAML(file.path) {
            guard let node = parse(file, schema: CatalogSchema.app, into: &diags),
                  let app = decode(node, file, into: &diags, App.init(tree:)) else {
                unreadable.insert(baseName(file.path)); continue
            }
            apps.append((app, file, node))
        }
        for file in store.files(under: "catalog/saas/") where isYAML(file.path) {
            guard let node = parse(file, schema: CatalogSchema.saas, into: &diags),
                  let entry = decode(node, file, into: &diags, SaaS.init(tree:)) else {
                unreadable.insert(baseName(file.path)); continue
            }
            saas.append((entry, file, node))
        }
        var templates: [String: ResourceStore.File] = [:]
        for (app, _, _) in apps {
            if let file = store.file("templates/apps/\(app.id)/compose.yaml.mustache") { templates[app.id] = file }
        }
        var checker = CatalogChecker(apps: apps, saas: saas, categories: categories, spdx: spdx, unreadable: unreadable,
                                     today: today.map(dayString), templates: templates)
        checker.run()
        diags += checker.diagnostics
        // Each renderable entry against its template: what render would refuse, reported here too.
        for (app, file, node) in apps where app.install.renderable {
            for v in CatalogTemplateCheck.undeclaredVariables(app: app, store: store) {
                let at = (node["env"] ?? node).location
                let e = CatalogTemplateCheck.error(app: app.id, variable: v, at: at)
                diags.append(Diagnostic(.error, e.message, at: e.location, rule: "catalog.template", fix: e.remedy))
            }
        }
        // The other catalog directories have loaders of their own, strict and located.
        for (what, load) in [("pricing", { _ = try PricingCatalog.load(from: store) }),
                             ("email provider", { _ = try EmailProviders.load(store) })] as [(String, () throws -> Void)] {
            do {
                try load()
            } catch let error as SelfhostError {
                diags.append(Diagnostic(error, rule: "catalog.\(what.replacingOccurrences(of: " ", with: "-"))"))
            } catch {
                diags.append(Diagnostic(.error, "\(what) data: \(error)", rule: "catalog.\(what.replacingOccurrences(of: " ", with: "-"))"))
            }
        }
        let catalog = Catalog(apps: apps.map(\.0), saas: saas.map(\.0), categories: categories, licenseIDs: spdx)
        return Result(catalog: catalog, diagnostics: diags.sortedByLocation())
    }

    /// Loads the catalog, refusing it (exit 2) if anything is wrong, with the first problem located.
    ///
    /// The shipped catalog alone takes a fast path: its files were parsed at build time and are
    /// validated by the test suite and `catalog check`, so it is decoded without YAML parsing or
    /// re-validation, and lazily: an entry when a command first asks for it. Anything a user adds
    /// is validated in full.
    public static func load(_ store: ResourceStore) throws -> Catalog {
        if store.overlaidPaths.isEmpty, store.misplaced.isEmpty, let entries = prebuiltEntries(store) {
            return Catalog(entries: entries)
        }
        return try loadValidated(store)
    }

    /// Decodes the build-time trees of the shipped catalog, every entry at once.
    static func loadPrebuilt(_ store: ResourceStore) throws -> Catalog {
        struct Missing: Error {}
        func tree(_ path: String) throws -> TreeReader {
            guard let tree = store.prebuiltTree(path) else { throw Missing() }
            return try TreeReader(tree)
        }
        let apps = try store.paths(under: "catalog/apps/").filter(isYAML).map { try App(tree: tree($0)) }
        let saas = try store.paths(under: "catalog/saas/").filter(isYAML).map { try SaaS(tree: tree($0)) }
        let categories = try tree("catalog/categories.yaml").list("categories") { try Category(id: $0.string("id"), name: $0.string("name")) }
        let licenses = Set(try tree("catalog/spdx.yaml").strings("licenses"))
        return Catalog(apps: apps, saas: saas, categories: categories, licenseIDs: licenses)
    }

    /// The shipped catalog read entry by entry from its build-time trees; nil when a file has no
    /// tree (it did not parse at build time: the validated path reports why). Should an entry not
    /// decode, the whole catalog is loaded through the validated path once and the entry taken
    /// from there, so a lazy read answers exactly what an eager one would.
    static func prebuiltEntries(_ store: ResourceStore) -> Catalog.Entries? {
        let appPaths = store.paths(under: "catalog/apps/").filter(isYAML)
        let saasPaths = store.paths(under: "catalog/saas/").filter(isYAML)
        let names = Dictionary(EmbeddedResources.saasNames.map { (EmbeddedResources.paths[$0.index], $0) }, uniquingKeysWith: { a, _ in a })
        guard (appPaths + saasPaths + ["catalog/categories.yaml", "catalog/spdx.yaml"]).allSatisfy({ ResourceStore.embeddedIndex($0) != nil }),
              saasPaths.allSatisfy({ names[$0] != nil }) else { return nil }
        let appFiles = Dictionary(appPaths.map { (baseName($0), $0) }, uniquingKeysWith: { a, _ in a })
        let saasFiles = Dictionary(saasPaths.map { (baseName($0), $0) }, uniquingKeysWith: { a, _ in a })
        guard appFiles.count == appPaths.count, saasFiles.count == saasPaths.count else { return nil }
        let fallback = ValidatedFallback(store: store)
        @Sendable func decode<T>(_ path: String?, _ read: (TreeReader) throws -> T) -> T? {
            guard let path, let tree = store.prebuiltTree(path) else { return nil }
            return try? read(TreeReader(tree))
        }
        return Catalog.Entries(
            appIDs: appFiles.keys.sorted(), saasIDs: saasFiles.keys.sorted(),
            saasNames: saasFiles.keys.sorted().compactMap { id in names[saasFiles[id]!].map { ($0.id, $0.name, $0.aliases) } },
            app: { id in
                if let app = decode(appFiles[id], App.init(tree:)), app.id == id { return app }
                return fallback.catalog().app(id)
            },
            saas: { id in
                if let entry = decode(saasFiles[id], SaaS.init(tree:)), entry.id == id { return entry }
                return fallback.catalog().saas(id)
            },
            categories: {
                decode("catalog/categories.yaml") { try $0.list("categories") { try Category(id: $0.string("id"), name: $0.string("name")) } }
                    ?? fallback.catalog().categories
            },
            licenseIDs: { decode("catalog/spdx.yaml") { Set(try $0.strings("licenses")) } ?? fallback.catalog().licenseIDs })
    }

    /// The validated load of a store, done at most once, for an entry whose build-time tree did
    /// not decode. The shipped catalog always decodes (`CatalogLoadingTests` holds the lazy and
    /// validated reads equal), so reaching the failure here is a defect of the build, not input.
    private final class ValidatedFallback: @unchecked Sendable {
        private let store: ResourceStore
        private let lock = NSLock()
        private var loaded: Catalog?
        init(store: ResourceStore) { self.store = store }
        func catalog() -> Catalog {
            lock.withLock {
                if let loaded { return loaded }
                do {
                    let c = try loadValidated(store)
                    loaded = c
                    return c
                } catch {
                    fatalError("selfhost's built-in catalog does not load (\(error)); this is a defect of the build: please report it")
                }
            }
        }
    }

    static func loadValidated(_ store: ResourceStore) throws -> Catalog {
        let result = loadChecking(store)
        let errors = result.diagnostics.filter { $0.severity == .error }
        if let first = errors.first {
            let more = errors.count > 1 ? " (and \(errors.count - 1) more problem\(errors.count == 2 ? "" : "s"))" : ""
            throw SelfhostError.usage(first.message + more, at: first.location,
                                      remedy: first.fix ?? "run `selfhost catalog check` (with the same --catalog) to list every problem")
        }
        return result.catalog
    }

    /// A date as YYYY-MM-DD in UTC, the form catalog dates are written in.
    static func dayString(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        func pad(_ n: Int?, _ width: Int) -> String {
            let digits = String(n ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    static func isYAML(_ path: String) -> Bool { path.hasSuffix(".yaml") || path.hasSuffix(".yml") }

    /// `catalog/apps/umami.yaml` → `umami`.
    static func baseName(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.split(separator: ".").first.map(String.init) ?? name
    }

    /// Parses and schema-checks one file; returns its root node if it could be parsed.
    static func parse(_ file: ResourceStore.File, schema: Schema, into diags: inout [Diagnostic]) -> YAMLNode? {
        let node: YAMLNode?
        do {
            node = try YAMLParser.parse(file.contents, file: file.displayPath)
        } catch {
            diags.append(Diagnostic(error, rule: "catalog.yaml"))
            return nil
        }
        guard let node else {
            diags.append(Diagnostic(.error, "file is empty", at: SourceLocation(file: file.displayPath), rule: "catalog.yaml"))
            return nil
        }
        diags += SchemaValidator.check(node, against: schema)
        return node
    }

    /// Decodes a node the schema check has seen. When the schema check already reported
    /// problems, a failed decode adds nothing (the entry is just left out of cross-checks).
    static func decode<T>(_ node: YAMLNode, _ file: ResourceStore.File, into diags: inout [Diagnostic], _ read: (TreeReader) throws -> T) -> T? {
        do {
            return try read(TreeReader(TreeValue(node)))
        } catch {
            if !diags.contains(where: { $0.location?.file == file.displayPath }) {
                diags.append(Diagnostic(.error, "cannot read entry: \(error)", at: node.location, rule: "catalog.schema"))
            }
            return nil
        }
    }
}
