/// `selfhost catalog show <id>`: one app or SaaS entry in full.
public enum CatalogShowCommand {
    public struct Options: Sendable {
        public var id: String
        public var format: OutputFormat
        public init(id: String, format: OutputFormat = .text) {
            self.id = id
            self.format = format
        }
    }

    public static func run(_ options: Options, catalog: Catalog, context: Context) throws -> ExitStatus {
        guard !options.id.allSatisfy(\.isWhitespace) else {
            throw SelfhostError.usage("no id given: `catalog show` needs an app or SaaS id",
                                      remedy: "e.g. `selfhost catalog show umami`; `selfhost catalog list` shows every id")
        }
        if let app = catalog.app(options.id) {
            if options.format == .json {
                context.stdout.write(JSONOutput.encode(AppJSON(app, catalog: catalog)))
            } else {
                context.stdout.write(text(app, catalog: catalog, style: context.style))
            }
            return .success
        }
        if let saas = catalog.findSaaS(options.id) {
            return try RecommendCommand.run(.init(query: saas.id, format: options.format), catalog: catalog, context: context)
        }
        let names = catalog.apps.map(\.id) + catalog.saasNamesForSuggestions
        // No match is a finding (exit 1), like an unknown name in `recommend`.
        throw SelfhostError.problem("no app or SaaS '\(TextFit.quoted(options.id))' in the catalog"
                                  + (Suggestions.didYouMean(options.id, in: names).map { "; \($0)" } ?? ""),
                                  remedy: "`selfhost catalog search \(TextFit.quoted(options.id, limit: 30))` looks through names and summaries; `selfhost catalog list` shows every id")
    }

    /// The app entry as JSON, keys as in the YAML (snake_case).
    struct AppJSON: Encodable {
        var id, name, summary, website, repository, license, openness, language: String
        var licenseNotes: Nullable<String>
        var categories, replaces: [String]
        var install: [String: String]
        var renderable: Bool
        var image: Nullable<String>
        var port: Nullable<Int>
        var extraPorts: [[String: String]]
        var companions: [[String: String]]
        var env: [[String: String]]
        var ramMinMb, ramRecommendedMb: Nullable<Int>
        var resourcesNotes: Nullable<String>
        var cpuFlags: [String]
        var smtpNeeded: String
        var websockets: Bool
        var maxUploadMb: Nullable<Int>
        var volumes: [String]
        var backupDatabases: [String]
        var upgrade: [[String: String]]
        var migrations: [String: [String]]
        var upstream: Nullable<UpstreamJSON>
        var firstStart: Nullable<FirstStartJSON>
        var sources: [Source]

        struct FileJSON: Encodable, Sendable {
            var repository, path, ref, checked: String
            init(_ f: App.UpstreamFile) { repository = f.repository; path = f.path; ref = f.ref; checked = f.checked }
        }

        struct UpstreamJSON: Encodable, Sendable {
            var compose: FileJSON
            var entrypoint: Nullable<FileJSON>
            var reads, refuses: [String]
            var notes: String
            init(_ u: App.Upstream) {
                compose = FileJSON(u.compose); entrypoint = Nullable(u.entrypoint.map(FileJSON.init))
                reads = u.reads; refuses = u.refuses; notes = u.notes
            }
        }

        struct FirstStartJSON: Encodable, Sendable {
            var exposure, detail, closedBy: String
            var preseed: [String]
            var source: Source
            init(_ f: App.FirstStart) {
                exposure = f.exposure.rawValue; detail = f.detail; closedBy = f.closedBy.rawValue; preseed = f.preseed; source = f.source
            }
        }

        init(_ a: App, catalog: Catalog) {
            id = a.id; name = a.name; summary = a.summary; website = a.website; repository = a.repository
            license = a.license; openness = a.openness.rawValue; language = a.language; licenseNotes = Nullable(a.licenseNotes)
            categories = a.categories; replaces = a.replaces
            install = ["method": a.install.method, "instructions": a.install.instructions ?? "", "docs": a.install.docs ?? ""]
            renderable = a.isRenderable; image = Nullable(a.image?.reference); port = Nullable(a.port)
            extraPorts = a.extraPorts.map { ["port": "\($0.port)", "protocol": $0.protocol ?? "tcp", "purpose": $0.purpose ?? ""] }
            companions = a.companions.map { ["service": $0.service, "kind": $0.kind, "image": $0.reference] }
            env = a.env.map { e in
                var d = ["name": e.name, "service": e.service ?? a.id, "required": (e.required ?? false) ? "true" : "false"]
                if let s = e.secret { d["secret"] = "\(s.format.rawValue):\(s.length)" }
                if let v = e.default { d["default"] = v }
                return d
            }
            ramMinMb = Nullable(a.resources.ramMinMB); ramRecommendedMb = Nullable(a.resources.ramRecommendedMB)
            resourcesNotes = Nullable(a.resources.notes); cpuFlags = a.resources.cpuFlags ?? []
            smtpNeeded = a.smtp.needed; websockets = a.proxy.websockets ?? false; maxUploadMb = Nullable(a.proxy.maxUploadMB)
            volumes = (a.data.volumes ?? []).map { "\($0.name):\($0.path)" }
            backupDatabases = (a.data.backup?.databases ?? []).map { "\($0.service):\($0.method)" }
            upgrade = a.upgrade.map { ["from": $0.from, "to": $0.to, "steps": $0.steps.joined(separator: "\n")] }
            migrations = Dictionary(a.migrations.map { ($0.from, $0.steps) }, uniquingKeysWith: { x, _ in x })
            upstream = Nullable(a.upstream.map(UpstreamJSON.init))
            firstStart = Nullable(a.firstStart.map(FirstStartJSON.init))
            sources = a.sources
        }
    }

    static func text(_ a: App, catalog: Catalog, style: Style) -> String {
        var rows: [(String, String)] = [
            ("Categories", a.categories.joined(separator: ", ")),
            ("Replaces", a.replaces.compactMap { catalog.saas($0)?.name }.joined(separator: ", ")),
            ("License", "\(a.license) (\(a.openness.rawValue))" + (a.licenseNotes.map { " — \($0)" } ?? "")),
            ("Language", a.language),
            ("Website", a.website),
            ("Source", a.repository),
            ("Install", a.isRenderable ? "compose (selfhost render \(a.id))" : a.install.method + " (not renderable)"),
        ]
        if let image = a.image { rows.append(("Image", image.reference)) }
        if let port = a.port { rows.append(("Port", "\(port)")) }
        for p in a.extraPorts { rows.append(("Extra port", "\(p.port)/\(p.protocol ?? "tcp") \(p.purpose ?? "")")) }
        for c in a.companions { rows.append(("Companion", "\(c.service): \(c.reference) (\(c.kind))" + (c.notes.map { " — \($0)" } ?? ""))) }
        rows.append(("RAM", RecommendCommand.ramText(.init(
            rank: 0, id: a.id, name: a.name, summary: "", license: "", openness: "", ramMb: Nullable(nil),
            ramMinMb: Nullable(a.resources.ramMinMB), ramRecommendedMb: Nullable(a.resources.ramRecommendedMB), ramNotes: Nullable(nil), cpuFlags: [],
            companions: [], smtpNeeded: "", parity: "", renderable: false, renderCommand: Nullable(nil), installInstructions: Nullable(nil),
            migration: [], website: ""))))
        if let notes = a.resources.notes { rows.append(("", notes)) }
        if let cpu = a.resources.cpu { rows.append(("CPU", cpu)) }
        if let flags = a.resources.cpuFlags, !flags.isEmpty { rows.append(("CPU flags", flags.joined(separator: ", "))) }
        rows.append(("SMTP", a.smtp.needed + (a.smtp.notes.map { " — \($0)" } ?? "")))
        rows.append(("Proxy", "websockets: \((a.proxy.websockets ?? false) ? "yes" : "no")" + (a.proxy.maxUploadMB.map { ", uploads up to \($0) MB" } ?? "")))
        for v in a.data.volumes ?? [] { rows.append(("Volume", "\(v.name) → \(v.path)" + (v.description.map { " (\($0))" } ?? ""))) }
        for db in a.data.backup?.databases ?? [] { rows.append(("Backup", "\(db.method) of \(db.service)" + (db.database.map { "/\($0)" } ?? ""))) }
        let width = rows.map(\.0.count).max() ?? 0
        var out = style.bold(a.name) + " — " + a.summary + "\n\n"
        for (k, v) in rows { out += style.dim(k.padded(to: width)) + "  " + v + "\n" }
        if !a.env.isEmpty {
            out += "\n" + style.bold("Environment") + "\n"
            var t = TextTable(headers: ["NAME", "SERVICE", "REQUIRED", "SECRET", "DEFAULT"])
            for e in a.env {
                t.add([e.name, e.service ?? a.id, (e.required ?? false) ? "yes" : "no",
                       e.secret.map { "\($0.format.rawValue), \($0.length)" } ?? "", e.default ?? ""])
            }
            out += t.render(headerStyle: style.dim)
        }
        if !a.install.renderable, let how = a.install.instructions {
            out += "\n" + style.bold("How it installs") + "\n" + how.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n") + "\n"
        }
        for u in a.upgrade {
            out += "\n" + style.bold("Upgrade \(u.from) → \(u.to)") + "\n"
            for s in u.steps { out += "  - \(s)\n" }
        }
        for m in a.migrations {
            out += "\n" + style.bold("Migrate from \(catalog.saas(m.from)?.name ?? m.from)") + "\n"
            for (i, s) in m.steps.enumerated() { out += "  \(i + 1). \(s)\n" }
        }
        if let f = a.firstStart {
            out += "\n" + style.bold("First start") + "\n"
            out += "  exposure: \(f.exposure.rawValue) → closed by \(f.closedBy.rawValue)"
                + (f.preseed.isEmpty ? "" : " (\(f.preseed.joined(separator: ", ")))") + "\n"
            out += "  \(f.detail)\n"
            out += "  source: \(f.source.url) (checked \(f.source.checked))\n"
        }
        if let u = a.upstream {
            out += "\n" + style.bold("Checked against upstream") + "\n"
            func file(_ f: App.UpstreamFile) -> String { "\(f.repository) \(f.path) @ \(f.ref) (checked \(f.checked))" }
            out += "  compose:    \(file(u.compose))\n"
            out += "  entrypoint: " + (u.entrypoint.map(file) ?? "none (the image has no entrypoint script)") + "\n"
            if !u.reads.isEmpty { out += "  reads:      \(u.reads.joined(separator: ", "))\n" }
            if !u.refuses.isEmpty { out += "  refuses:    \(u.refuses.joined(separator: ", "))\n" }
            out += "  \(u.notes)\n"
        }
        out += "\n" + style.bold("Sources") + "\n"
        for s in a.sources { out += "  \(s.url) (checked \(s.checked)" + ((s.facts?.isEmpty ?? true) ? ")" : ": \(s.facts!.joined(separator: ", ")))") + "\n" }
        return out
    }
}
