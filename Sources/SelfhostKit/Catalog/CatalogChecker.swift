
/// Checks across entries: ids, references and their two-way links, duplicates, licenses,
/// pinned images, and the honesty rules (a missing figure must say it is unpublished).
struct CatalogChecker {
    let apps: [(App, ResourceStore.File, YAMLNode)]
    let saas: [(SaaS, ResourceStore.File, YAMLNode)]
    let categories: [Category]
    let spdx: Set<String>
    /// Ids of entries whose files could not be read (already reported): not "unknown" again.
    let unreadable: Set<String>
    /// Today as YYYY-MM-DD from the injected clock; dates after it are errors. Nil skips that check.
    let today: String?
    /// Compose templates by app id, to check they do not set names upstream refuses.
    let templates: [String: ResourceStore.File]
    private(set) var diagnostics: [Diagnostic] = []

    init(apps: [(App, ResourceStore.File, YAMLNode)], saas: [(SaaS, ResourceStore.File, YAMLNode)], categories: [Category],
         spdx: Set<String>, unreadable: Set<String> = [], today: String? = nil, templates: [String: ResourceStore.File] = [:]) {
        self.apps = apps
        self.saas = saas
        self.categories = categories
        self.spdx = spdx
        self.unreadable = unreadable
        self.today = today
        self.templates = templates
    }

    private mutating func error(_ message: String, _ file: ResourceStore.File, _ node: YAMLNode?, fix: String? = nil) {
        let location = node?.location ?? SourceLocation(file: file.displayPath)
        diagnostics.append(Diagnostic(.error, message, at: location, rule: "catalog.reference", fix: fix))
    }

    mutating func run() {
        let appIDs = apps.map(\.0.id)
        let saasIDs = saas.map(\.0.id)
        let categoryIDs = categories.map(\.id)
        let appByID = Dictionary(apps.map { ($0.0.id, $0.0) }, uniquingKeysWith: { a, _ in a })
        let saasByID = Dictionary(saas.map { ($0.0.id, $0.0) }, uniquingKeysWith: { a, _ in a })

        // Ids: well-formed, equal to the file name, unique across apps and SaaS.
        var seenIDs: [String: String] = [:]
        for (id, file, node) in apps.map({ ($0.0.id, $0.1, $0.2) }) + saas.map({ ($0.0.id, $0.1, $0.2) }) {
            let idNode = node["id"]
            if !id.allSatisfy({ ($0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" }) {
                error("id '\(id)' may hold only a-z, 0-9 and '-'", file, idNode)
            }
            let base = file.path.split(separator: "/").last.map { String($0.split(separator: ".").first ?? "") } ?? ""
            if base != id { error("id '\(id)' differs from the file name '\(base)'", file, idNode, fix: "rename the file to \(id).yaml or change the id") }
            if let other = seenIDs[id] { error("duplicate id '\(id)' (also in \(other))", file, idNode) }
            seenIDs[id] = file.displayPath
        }

        // Aliases: unique, and never another entry's id. Every clashing use is reported.
        var uses: [String: [(id: String, file: ResourceStore.File, node: YAMLNode?)]] = [:]
        for (entry, file, node) in saas {
            uses[Catalog.normalize(entry.id), default: []].append((entry.id, file, node["id"]))
            for (i, alias) in entry.aliases.enumerated() {
                uses[Catalog.normalize(alias), default: []].append((entry.id, file, node["aliases"]?.item(i)))
            }
        }
        for (name, list) in uses.sorted(by: { $0.key < $1.key }) {
            let owners = Set(list.map(\.id))
            guard owners.count > 1 else { continue }
            for use in list {
                let others = owners.subtracting([use.id]).sorted().joined(separator: ", ")
                error("name '\(name)' is ambiguous: also used by \(others)", use.file, use.node,
                      fix: "remove the alias from one of the entries")
            }
        }

        for (app, file, node) in apps {
            let m: YAMLNode? = node
            for (i, c) in app.categories.enumerated() where !categoryIDs.contains(c) {
                error("unknown category '\(c)'" + hint(c, categoryIDs), file, m?["categories"]?.item(i),
                      fix: "use an id from catalog/categories.yaml")
            }
            for (i, s) in app.replaces.enumerated() {
                let at = m?["replaces"]?.item(i)
                guard let target = saasByID[s] else {
                    if unreadable.contains(s) { continue }
                    error("replaces unknown SaaS '\(s)'" + hint(s, saasIDs), file, at); continue
                }
                if !target.alternatives.contains(where: { $0.app == app.id }) {
                    error("replaces '\(s)', but catalog/saas/\(s).yaml does not list '\(app.id)' under alternatives", file, at,
                          fix: "add `- app: \(app.id)` with a parity note to \(s)'s alternatives, or drop it here")
                }
            }
            checkSMTP(app, file, node)
            for (i, mig) in app.migrations.enumerated() where !app.replaces.contains(mig.from) {
                error("migration from '\(mig.from)', which is not in replaces", file, m?["migrations"]?.item(i)?["from"])
            }
            do throws(SPDXExpression.Problem) {
                _ = try SPDXExpression.parse(app.license)
            } catch {
                self.error("license '\(app.license)': \(error.message)", file, m?["license"],
                           fix: "write an SPDX expression such as MIT, AGPL-3.0-only or (MIT OR Apache-2.0)")
            }
            if let image = app.image, let problem = ImageReference.problem(name: image.name, tag: image.tag) {
                error("image '\(PlainText.visible(image.reference))': \(problem); render refuses it", file, m?["image"],
                      fix: "write the image as registry/name and a released version tag")
            }
            for (i, c) in app.companions.enumerated() {
                if let problem = ImageReference.problem(name: c.image, tag: c.tag) {
                    error("companion '\(c.service)' image '\(PlainText.visible(c.reference))': \(problem); render refuses it", file,
                          m?["companions"]?.item(i), fix: "write the image as registry/name and a released version tag")
                }
            }
            let unknown = SPDXExpression.unknownIdentifiers(in: app.license, known: spdx)
            for id in unknown {
                error("'\(id)' is not an SPDX license id" + hint(id, Array(spdx)), file, m?["license"],
                      fix: "use an id from https://spdx.org/licenses/ or LicenseRef-<name>")
            }
            if let image = app.image, ImageTag.isFloating(image.tag) {
                error("image tag '\(image.tag)' floats; pin a released version", file, m?["image"]?["tag"])
            }
            for (i, c) in app.companions.enumerated() where ImageTag.isFloating(c.tag) {
                error("companion '\(c.service)' tag '\(c.tag)' floats; pin a version", file, m?["companions"]?.item(i)?["tag"])
            }
            if app.install.renderable {
                if app.image == nil { error("renderable app needs an `image`", file, m?["install"]) }
                if app.port == nil { error("renderable app needs a `port`", file, m?["install"]) }
            } else if (app.install.instructions ?? "").isEmpty {
                error("an app that is not renderable needs `install.instructions` saying how it installs", file, m?["install"])
            }
            for (key, figure) in [("ram_min_mb", app.resources.ramMinMB), ("ram_recommended_mb", app.resources.ramRecommendedMB)]
            where figure.map({ !(1...InputBudget.maxRAMMB).contains($0) }) ?? false {
                error("resources.\(key) \(figure!) is outside 1…\(InputBudget.maxRAMMB) MB", file, m?["resources"]?[key],
                      fix: "give the upstream figure in MB (10^6 bytes)")
            }
            if app.resources.ramMinMB == nil, app.resources.ramRecommendedMB == nil, (app.resources.notes ?? "").isEmpty {
                error("no RAM figure and no `resources.notes` saying it is not published", file, m?["resources"],
                      fix: "add the upstream figure, or `notes: Upstream publishes no RAM figure.`")
            }
            let services = Set(app.companions.map(\.service))
            var envNames = Set<String>()
            for (i, e) in app.env.enumerated() {
                let at = m?["env"]?.item(i)
                if !envNames.insert(e.name + "@" + (e.service ?? "")).inserted { error("duplicate env variable '\(e.name)'", file, at) }
                if let s = e.service, s != "app", !services.contains(s) {
                    error("env '\(e.name)' names service '\(s)', which is not a companion" + hint(s, Array(services)), file, at)
                }
                if let secret = e.secret, secret.length < 8 || secret.length > 4096 {
                    error("secret '\(e.name)' length \(secret.length) is out of range 8…4096", file, at)
                }
            }
            for (i, db) in (app.data.backup?.databases ?? []).enumerated() where !services.contains(db.service) {
                error("backup names service '\(db.service)', which is not a companion", file,
                      m?["data"]?["backup"]?["databases"]?.item(i))
            }
            for (i, u) in app.upgrade.enumerated() {
                for (j, c) in u.commands.enumerated() where c.service != "app" && !services.contains(c.service) {
                    error("upgrade command names service '\(c.service)', which is neither app nor a companion" + hint(c.service, Array(services)), file,
                          m?["upgrade"]?.item(i)?["commands"]?.item(j))
                }
            }
            let volumeNames = Set((app.data.volumes ?? []).map(\.name))
            for (i, v) in (app.data.backup?.volumes ?? []).enumerated() where !volumeNames.contains(v) {
                error("backup names volume '\(v)', which is not under data.volumes", file,
                      m?["data"]?["backup"]?["volumes"]?.item(i))
            }
            if app.sources.isEmpty { error("no sources: every fact needs its upstream source", file, m?["sources"]) }
            if app.install.renderable { checkUpstream(app, file, node); checkFirstStart(app, file, node) }
        }

        for (entry, file, node) in saas {
            let m: YAMLNode? = node
            if !categoryIDs.contains(entry.category) {
                error("unknown category '\(entry.category)'" + hint(entry.category, categoryIDs), file, m?["category"])
            }
            if entry.alternatives.isEmpty, entry.practice == nil {
                error("no alternatives and no practice", file, m?["alternatives"], fix: "list at least one app, or describe a `practice`")
            }
            var seen = Set<String>()
            for (i, alt) in entry.alternatives.enumerated() {
                let at = m?["alternatives"]?.item(i)?["app"]
                if !seen.insert(alt.app).inserted { error("alternative '\(alt.app)' listed twice", file, at) }
                guard let app = appByID[alt.app] else {
                    if unreadable.contains(alt.app) { continue }
                    error("unknown app '\(alt.app)'" + hint(alt.app, appIDs), file, at); continue
                }
                if !app.replaces.contains(entry.id) {
                    error("lists '\(alt.app)', but catalog/apps/\(alt.app).yaml does not have '\(entry.id)' in replaces", file, at,
                          fix: "add \(entry.id) to \(alt.app)'s replaces")
                }
            }
            if entry.sources.isEmpty { error("no sources", file, m?["sources"]) }
        }
    }

    /// A renderable app records what its template was checked against (issue 9.3).
    private mutating func checkUpstream(_ app: App, _ file: ResourceStore.File, _ node: YAMLNode) {
        let m: YAMLNode? = node
        guard let up = app.upstream else {
            return error("renderable app has no `upstream`: record the compose example and entrypoint its template was checked against",
                         file, m?["install"]?["renderable"],
                         fix: "add `upstream:` with compose, entrypoint, reads, refuses and notes (docs/CATALOG.md)")
        }
        let um = m?["upstream"]
        for (key, f) in [("compose", up.compose), ("entrypoint", up.entrypoint)] {
            guard let f else { continue }
            let fm = um?[key]
            checkHTTPS(f.repository, "upstream.\(key).repository", file, fm?["repository"])
            checkNotFuture(f.checked, "upstream.\(key).checked", file, fm?["checked"])
        }
        let refused = Set(up.refuses)
        for (i, name) in up.reads.enumerated() where refused.contains(name) {
            error("'\(name)' is listed under both upstream.reads and upstream.refuses", file, um?["reads"]?.item(i))
        }
        for (i, e) in app.env.enumerated() where refused.contains(e.name) {
            error("env '\(e.name)' is a name upstream's entrypoint refuses (upstream.refuses)", file, m?["env"]?.item(i),
                  fix: "drop it, or use the name that replaced it")
        }
        if let template = templates[app.id] {
            for (name, location) in Self.environmentKeys(in: template) where refused.contains(name) {
                diagnostics.append(Diagnostic(.error, "the template sets '\(name)', which \(app.id)'s upstream.refuses lists", at: location,
                                              rule: "catalog.reference", fix: "remove it from the template"))
            }
        }
    }

    /// A renderable app says what a stranger could do on its first start and how render closes it (issue 10.1).
    /// `smtp.env` (what `render --smtp` writes): known placeholders, one entry per name, an app that
    /// sends mail, and where the names were read.
    private mutating func checkSMTP(_ app: App, _ file: ResourceStore.File, _ node: YAMLNode) {
        let sm: YAMLNode? = node["smtp"]
        guard !app.smtp.env.isEmpty else { return }
        if app.smtp.needed == "none" {
            error("smtp.env is given but smtp.needed is none", file, sm?["needed"], fix: "say optional or required, or drop smtp.env")
        }
        if let source = app.smtp.source {
            checkHTTPS(source.url, "smtp.source.url", file, sm?["source"]?["url"])
            checkNotFuture(source.checked, "smtp.source.checked", file, sm?["source"]?["checked"])
        } else {
            error("smtp.env has no smtp.source: where were the variable names read?", file, sm?["env"],
                  fix: "add `source: {url: …, checked: YYYY-MM-DD}` (the app's mail settings documentation)")
        }
        var seen: Set<String> = []
        for (i, v) in app.smtp.env.enumerated() {
            let at = sm?["env"]?.item(i)
            if !seen.insert(v.name).inserted { error("smtp.env names '\(v.name)' twice", file, at) }
            if let problem = SMTPRelay.problem(v.value) { error("smtp.env \(v.name): \(problem)", file, at?["value"]) }
        }
        var senders: Set<String> = []
        for (i, s) in app.smtp.senders.enumerated() where !senders.insert(s).inserted {
            error("smtp.also_services names '\(s)' twice (the first sender is smtp.service, default app)", file, sm?["also_services"]?.item(i - 1))
        }
    }

    private mutating func checkFirstStart(_ app: App, _ file: ResourceStore.File, _ node: YAMLNode) {
        let m: YAMLNode? = node
        guard let fs = app.firstStart else {
            return error("renderable app has no `first_start`: say what a stranger reaching a fresh install could do and how render closes it",
                         file, m?["install"]?["renderable"],
                         fix: "add `first_start:` with exposure, detail, preseed, closed_by and source (docs/CATALOG.md)")
        }
        let fm = m?["first_start"]
        checkHTTPS(fs.source.url, "first_start.source.url", file, fm?["source"]?["url"])
        checkNotFuture(fs.source.checked, "first_start.source.checked", file, fm?["source"]?["checked"])
        if fs.closedBy == .noneNeeded, fs.exposure != .none {
            error("first_start.exposure '\(fs.exposure.rawValue)' leaves a fresh install open; closed_by cannot be none-needed",
                  file, fm?["closed_by"], fix: "use preseed (render sets upstream's variables) or gate")
        } else if fs.exposure == .none, fs.closedBy != .noneNeeded {
            error("first_start.exposure is none, so there is nothing to close; closed_by must be none-needed", file, fm?["closed_by"])
        } else if fs.exposure == .preseeded, fs.closedBy != .preseed {
            error("first_start.exposure is preseeded (upstream takes the admin from the environment); closed_by must be preseed",
                  file, fm?["closed_by"])
        }
        if fs.closedBy == .preseed {
            if fs.preseed.isEmpty {
                error("first_start.closed_by is preseed but first_start.preseed names no variable", file, fm?["preseed"],
                      fix: "list the env names render sets, or use closed_by: gate")
            }
            let envNames = Set(app.env.map(\.name))
            let template = templates[app.id]
            let templateKeys = Set((template.map(Self.environmentKeys(in:)) ?? []).map(\.0))
            for (i, name) in fs.preseed.enumerated() {
                let at = fm?["preseed"]?.item(i)
                if !envNames.contains(name) {
                    error("preseed variable '\(name)' is not under env, so render does not set it", file, at,
                          fix: "add it to env (a typed secret for passwords) and to the template")
                } else if let template, !templateKeys.contains(name), !template.contents.contains("${\(name)}") {
                    error("preseed variable '\(name)' is not set by \(template.displayPath)", file, at,
                          fix: "pass it to the service that reads it, e.g. \(name): \"${\(name)}\"")
                }
            }
        }
    }

    private mutating func checkHTTPS(_ url: String, _ path: String, _ file: ResourceStore.File, _ node: YAMLNode?) {
        if !url.hasPrefix("https://") { error("'\(path)' must be an https URL", file, node) }
    }

    private mutating func checkNotFuture(_ date: String, _ path: String, _ file: ResourceStore.File, _ node: YAMLNode?) {
        if let today, date > today { error("'\(path)' is \(date), after today (\(today))", file, node, fix: "write the date it was checked") }
    }

    /// Keys of `environment:` entries in a compose template (`KEY: value` and `- KEY=value`), located.
    static func environmentKeys(in template: ResourceStore.File) -> [(String, SourceLocation)] {
        var keys: [(String, SourceLocation)] = []
        for (n, raw) in template.contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Substring(raw)
            let indent = line.prefix { $0 == " " }.count
            var rest = line.dropFirst(indent)
            var column = indent + 1
            if rest.hasPrefix("- ") { rest = rest.dropFirst(2); column += 2 }
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            guard !name.isEmpty, name.first!.isLetter || name.first == "_" else { continue }
            let after = rest.dropFirst(name.count)
            guard after.hasPrefix(":") || after.hasPrefix("=") else { continue }
            keys.append((String(name), SourceLocation(file: template.displayPath, line: n + 1, column: column)))
        }
        return keys
    }

    private func hint(_ value: String, _ candidates: [String]) -> String {
        Suggestions.didYouMean(value, in: candidates).map { "; \($0)" } ?? ""
    }
}
