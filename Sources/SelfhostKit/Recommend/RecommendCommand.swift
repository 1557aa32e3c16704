import Foundation

/// `selfhost recommend <saas>`: the ranked open-source alternatives to a SaaS product,
/// with what each needs and the command to run next.
public enum RecommendCommand {
    public struct Options: Sendable {
        /// One SaaS, or several for one combined plan (`recommend mailchimp slack`).
        public var queries: [String]
        /// Keep only apps whose stated minimum RAM fits (apps with no published figure are kept and marked,
        /// unless `strict`).
        public var maxRAM: ByteSize?
        /// With `maxRAM`: also drop apps whose RAM is not published.
        public var strict: Bool
        /// `osi`, `open-core`, `fair-code`, `source-available`, or an SPDX id such as `MIT`.
        public var license: String?
        public var format: OutputFormat
        /// Usage or bills of the SaaS in a combined plan, as `cost --saas` takes them
        /// (`slack=12seats`, `zendesk=@345`): the plan prices the bills it replaces.
        public var usages: [String] = []

        public init(query: String, maxRAM: ByteSize? = nil, strict: Bool = false, license: String? = nil, format: OutputFormat = .text) {
            self.init(queries: [query], maxRAM: maxRAM, strict: strict, license: license, format: format)
        }

        public init(queries: [String], maxRAM: ByteSize? = nil, strict: Bool = false, license: String? = nil, format: OutputFormat = .text) {
            self.queries = queries
            self.maxRAM = maxRAM
            self.strict = strict
            self.license = license
            self.format = format
        }

        public var query: String { queries.first ?? "" }
    }

    /// JSON shape (documented in docs/JSON.md).
    struct Report: Encodable {
        struct SaaSInfo: Encodable {
            var id: String
            var name: String
            var category: String
            var summary: String
            var export: ExportInfo
        }
        struct ExportInfo: Encodable {
            var formats: [String]
            var how: String?
            var docs: String?
            var notes: String?
        }
        struct Companion: Encodable {
            var service: String
            var kind: String
            var image: String
        }
        struct Alternative: Encodable {
            var rank: Int
            var id: String
            var name: String
            var summary: String
            var license: String
            var openness: String
            var ramMb: Nullable<Int>
            var ramMinMb: Nullable<Int>
            var ramRecommendedMb: Nullable<Int>
            var ramNotes: Nullable<String>
            var cpuFlags: [String]
            var companions: [Companion]
            var smtpNeeded: String
            var parity: String
            var renderable: Bool
            var renderCommand: Nullable<String>
            var installInstructions: Nullable<String>
            var migration: [String]
            var website: String
        }
        struct Filtered: Encodable {
            var id: String
            var reason: String
        }
        struct Practice: Encodable, Sendable {
            var title: String
            var steps: [String]
            var docs: [String]
        }
        var saas: SaaSInfo
        var alternatives: [Alternative]
        var filteredOut: [Filtered]
        var practice: Nullable<Practice>
    }

    struct NotFound: Encodable {
        var query: String
        var saas: String? = nil
        var suggestions: [String]
    }

    /// `store` (the catalog's files and templates) sizes a combined plan's box from the templates'
    /// `mem_limit`s and reads its price tables; without it the plan has no `memory` and no prices.
    public static func run(_ options: Options, catalog: Catalog, store: ResourceStore? = nil, context: Context) throws -> ExitStatus {
        let queries = options.queries.filter { !$0.allSatisfy(\.isWhitespace) }
        guard !queries.isEmpty, queries.count == options.queries.count else {
            throw SelfhostError.usage("no SaaS name given", remedy: "name one, e.g. `selfhost recommend mailchimp`; `selfhost catalog list` shows them all")
        }
        let licenseFilter = try options.license.map { try parseLicenseFilter($0, known: catalog.licenseIDs) }
        var found: [SaaS] = []
        for query in queries {
            guard let saas = catalog.findSaaS(query) else { return notFound(query, options: options, catalog: catalog, context: context) }
            if !found.contains(where: { $0.id == saas.id }) { found.append(saas) }
        }
        if !options.usages.isEmpty && found.count < 2 {
            throw SelfhostError.usage("--saas prices the bills of a combined plan", remedy: "name several SaaS (e.g. `selfhost recommend mailchimp slack --saas slack=12seats`), or use `selfhost cost --saas \(options.usages[0])`")
        }
        // Only a combined plan prices bills: one SaaS's report reads no price list.
        let pricing = found.count > 1 ? try store.map { try PricingCatalog.load(from: $0) } : nil
        var usages: [SaaSUsage] = []
        for item in options.usages {
            guard let pricing else { break }
            let u = try SaaSUsage(parsing: item, catalog: pricing, saasCatalog: catalog)
            guard found.contains(where: { $0.id == u.product.id }) else {
                throw SelfhostError.usage("--saas \(item) names \(u.product.name), which is not in the plan (\(found.map(\.id).joined(separator: ", ")))",
                                          remedy: "name it among the SaaS too, or drop the --saas item")
            }
            guard !usages.contains(where: { $0.product.id == u.product.id }) else {
                throw SelfhostError.usage("--saas gives \(u.product.id) twice", remedy: "give one usage per SaaS")
            }
            usages.append(u)
        }
        let reports = found.map { makeReport(for: $0, options: options, license: licenseFilter, catalog: catalog) }
        if reports.count > 1 {
            let plan = try CombinedPlan.make(reports, catalog: catalog, store: store, pricing: pricing, usages: usages)
            switch options.format {
            case .json: context.stdout.write(JSONOutput.encode(CombinedPlan.Document(recommendations: reports, plan: plan)))
            case .text: context.stdout.write(context.fitted(CombinedPlan.text(plan, reports: reports, style: context.style, width: context.width)))
            }
            let empty = reports.filter { $0.alternatives.isEmpty && $0.practice.value == nil }
            if !empty.isEmpty {
                context.stderr.write("error: no alternative to \(empty.map(\.saas.name).joined(separator: ", ")) passes the filters; run `selfhost recommend \(empty[0].saas.id)` with the same filters to see why\n")
                return .problems
            }
            return .success
        }
        let report = reports[0]
        switch options.format {
        case .json: context.stdout.write(JSONOutput.encode(report))
        case .text: context.stdout.write(context.fitted(text(report, catalog: catalog, style: context.style, width: context.width, maxRAM: options.maxRAM)))
        }
        if report.alternatives.isEmpty, report.practice.value == nil {
            context.stderr.write("error: no alternative to \(report.saas.name) passes the filters; see 'Filtered out' for why\n")
            return .problems
        }
        return .success
    }

    /// An unknown SaaS: the nearest names, else a pointer to `catalog search` (exit 1).
    static func notFound(_ query: String, options: Options, catalog: Catalog, context: Context) -> ExitStatus {
        // Nearest names, reported once per SaaS by its id ("ga4" and "google analytics" are one entry).
        var suggestions: [String] = []
        for name in Suggestions.nearest(to: query, in: catalog.saasNamesForSuggestions, limit: 6) {
            if let id = catalog.findSaaS(name)?.id, !suggestions.contains(id) { suggestions.append(id) }
        }
        suggestions = Array(suggestions.prefix(3))
        let shown = TextFit.quoted(query)
        if options.format == .json {
            context.stdout.write(JSONOutput.encode(NotFound(query: shown, suggestions: suggestions)))
        }
        let words = query.split(whereSeparator: \.isWhitespace).prefix(4).joined(separator: " ")
        let search = words.count > 40 || words.isEmpty ? "`selfhost catalog search WORD`" : "`selfhost catalog search \(words.contains(" ") ? "\"\(words)\"" : words)`"
        var hint = suggestions.isEmpty ? "" : "did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?\n  hint: "
        // An app's own name ("mattermost") is not a SaaS: say so and point at the catalog entry.
        if let app = catalog.app(query.lowercased()) {
            hint += "'\(app.id)' is a self-hosted app, not a SaaS: `selfhost catalog show \(app.id)`; it replaces " +
                (app.replaces.isEmpty ? "no listed SaaS" : app.replaces.joined(separator: ", "))
        } else {
            hint += "\(search) looks through every app and SaaS by name and summary; `selfhost catalog list` shows them all"
        }
        context.stderr.write("error: no SaaS named '\(shown)' in the catalog\n  hint: \(hint)\n")
        return .problems
    }

    static func makeReport(for saas: SaaS, options: Options, license: LicenseFilter?, catalog: Catalog) -> Report {
        var alternatives: [Report.Alternative] = []
        var filtered: [Report.Filtered] = []
        for (i, alt) in saas.alternatives.enumerated() {
            guard let app = catalog.app(alt.app) else { continue }
            if let reason = rejection(app, maxRAM: options.maxRAM, strict: options.strict, license: license) {
                filtered.append(.init(id: app.id, reason: reason))
                continue
            }
            alternatives.append(alternative(app, rank: i + 1, parity: alt.parity, from: saas.id))
        }
        return Report(
            saas: .init(id: saas.id, name: saas.name, category: saas.category, summary: saas.summary,
                        export: .init(formats: saas.export.formats ?? [], how: saas.export.how, docs: saas.export.docs, notes: saas.export.notes)),
            alternatives: alternatives, filteredOut: filtered,
            practice: Nullable(saas.practice.map { .init(title: $0.title, steps: $0.steps, docs: $0.docs ?? []) }))
    }

    enum LicenseFilter {
        case openness(Openness)
        case spdx(String)
    }

    static func parseLicenseFilter(_ s: String, known: Set<String>) throws -> LicenseFilter {
        if let o = Openness(rawValue: s.lowercased()) { return .openness(o) }
        // An SPDX id, matched case-insensitively; a prefix such as `AGPL-3.0` covers -only and -or-later.
        let upper = s.uppercased()
        if !upper.isEmpty, known.contains(where: { $0.uppercased() == upper || $0.uppercased().hasPrefix(upper + "-") }) {
            return .spdx(s)
        }
        let kinds = Openness.allCases.map(\.rawValue)
        let hint = Suggestions.didYouMean(s, in: kinds + Array(known))
        throw SelfhostError.usage("unknown --license '\(s)'" + (hint.map { "; \($0)" } ?? ""),
                                  remedy: "use " + kinds.joined(separator: ", ") + ", or an SPDX id such as MIT, Apache-2.0, AGPL-3.0-only")
    }

    /// Whether the license expression names `id` (or an id it prefixes: `AGPL-3.0` covers
    /// `AGPL-3.0-only`), read with the same parser as `catalog check`.
    static func licenseMatches(_ expression: String, _ id: String) -> Bool {
        let wanted = id.uppercased()
        let ids = (try? SPDXExpression.parse(expression).identifiers) ?? []
        return ids.contains { $0.uppercased() == wanted || $0.uppercased().hasPrefix(wanted + "-") }
    }

    static func rejection(_ app: App, maxRAM: ByteSize?, strict: Bool = false, license: LicenseFilter?) -> String? {
        if let maxRAM, let min = app.resources.ramMinMB ?? app.resources.ramRecommendedMB,
           Decimal(min) > maxRAM.megabytes {
            return "needs \(formatMB(min)) RAM, more than --max-ram \(maxRAM)"
        }
        if maxRAM != nil, strict, app.resources.ramMinMB == nil, app.resources.ramRecommendedMB == nil {
            return "RAM not published upstream; --strict drops apps without a figure"
        }
        switch license {
        case .openness(let o)? where app.openness != o:
            return "openness is \(app.openness.rawValue), not \(o.rawValue)"
        case .spdx(let id)? where !Self.licenseMatches(app.license, id):
            return "license is \(app.license), not \(id)"
        default:
            return nil
        }
    }

    static func alternative(_ app: App, rank: Int, parity: String, from saasID: String) -> Report.Alternative {
        let migration = app.migrations.first { $0.from == saasID }
        return .init(
            rank: rank, id: app.id, name: app.name, summary: app.summary, license: app.license,
            openness: app.openness.rawValue, ramMb: Nullable(app.plannedRAMMB), ramMinMb: Nullable(app.resources.ramMinMB),
            ramRecommendedMb: Nullable(app.resources.ramRecommendedMB),
            ramNotes: Nullable(app.plannedRAMMB == nil ? (app.resources.notes ?? "not published upstream") : nil),
            cpuFlags: app.resources.cpuFlags ?? [],
            companions: app.companions.map { .init(service: $0.service, kind: $0.kind, image: $0.reference) },
            smtpNeeded: app.smtp.needed, parity: parity, renderable: app.isRenderable,
            renderCommand: Nullable(app.isRenderable ? "selfhost render \(app.id) --domain example.com" : nil),
            installInstructions: Nullable(app.isRenderable ? nil : app.install.instructions),
            migration: migration?.steps ?? [], website: app.website)
    }

    /// How a non-renderable app installs, in a table cell.
    static func installLabel(_ method: String) -> String {
        switch method {
        case "launcher": "own launcher"
        case "host": "host install"
        case "installer": "own installer"
        default: "manual"
        }
    }

    /// "postgres, redis +2 sidecars": data services by kind, the app's own extra roles counted.
    static func companionSummary(_ companions: [Report.Companion]) -> String {
        if companions.isEmpty { return "none" }
        var kinds: [String] = []
        for c in companions where c.kind != "other" && !kinds.contains(c.kind) { kinds.append(c.kind) }
        let others = companions.filter { $0.kind == "other" }.count
        var s = kinds.joined(separator: ", ")
        if others > 0 { s += (s.isEmpty ? "" : " ") + "+\(others) sidecar\(others == 1 ? "" : "s")" }
        return s
    }

    static func ramText(_ a: Report.Alternative) -> String {
        switch (a.ramMinMb.value, a.ramRecommendedMb.value) {
        case let (min?, rec?): "\(formatMB(min)) (rec. \(formatMB(rec)))"
        case let (min?, nil): formatMB(min)
        case let (nil, rec?): "rec. \(formatMB(rec))"
        default: "not published"
        }
    }

    /// 512 → "512 MB", 2000 → "2 GB", 4295 → "4.3 GB".
    static func formatMB(_ mb: Int) -> String {
        if mb < 1000 { return "\(mb) MB" }
        if mb % 1000 == 0 { return "\(mb / 1000) GB" }
        let tenths = (mb + 50) / 100
        return tenths % 10 == 0 ? "\(tenths / 10) GB" : "\(tenths / 10).\(tenths % 10) GB"
    }

    static func text(_ r: Report, catalog: Catalog, style: Style, width: Int? = nil, maxRAM: ByteSize? = nil) -> String {
        func wrap(_ text: String, indent: String, hanging: String? = nil) -> String {
            TextFit.wrap(text, indent: indent, hanging: hanging, width: width)
        }
        var out = style.bold("\(r.saas.name)") + style.dim(" · \(catalog.category(r.saas.category)?.name ?? r.saas.category)") + "\n"
        out += wrap(r.saas.summary, indent: "")
        if !r.alternatives.isEmpty { out += "\n" }
        if !r.alternatives.isEmpty {
            // On a narrow terminal the least useful columns go first: deploy, openness, SMTP, license.
            var table = FittedTable(columns: [
                .init("#", right: true), .init("APP", minWidth: 8), .init("LICENSE", keep: 4, minWidth: 8), .init("OPENNESS", keep: 2),
                .init("RAM", minWidth: 9), .init("COMPANIONS", keep: 5, minWidth: 10), .init("SMTP", keep: 3), .init("DEPLOY", keep: 1),
            ])
            for a in r.alternatives {
                // Say up front which apps `selfhost render` can deploy and which install another way.
                let deploy = a.renderable ? "render" : (catalog.app(a.id).map { installLabel($0.install.method) } ?? "manual")
                table.add(["\(a.rank)", a.name, a.license, a.openness, ramText(a), companionSummary(a.companions), a.smtpNeeded, deploy])
            }
            out += table.text(width: width, headerStyle: style.bold)
        }
        for a in r.alternatives {
            out += "\n" + style.bold("\(a.rank). \(a.name)") + "  " + style.dim(a.website) + "\n"
            out += wrap(a.parity, indent: "   ")
            if !a.cpuFlags.isEmpty { out += "   CPU: needs " + a.cpuFlags.joined(separator: ", ") + "\n" }
            if let notes = a.ramNotes.value {
                // Say what the RAM filter did with an app that publishes no figure.
                let kept = maxRAM.map { " Kept by --max-ram \($0): an unknown figure passes the filter (--strict drops it)." } ?? ""
                out += style.dim(wrap("RAM: \(notes)\(kept)", indent: "   ", hanging: "        "))
            }
            if !a.migration.isEmpty {
                out += "   Move your data:\n"
                for (i, step) in a.migration.enumerated() { out += wrap("\(i + 1). \(step)", indent: "     ", hanging: "        ") }
            }
            if let cmd = a.renderCommand.value {
                out += "   Next: " + style.cyan(cmd) + "\n"
            } else if let how = a.installInstructions.value {
                out += "   Installs outside compose (selfhost render can't deploy it):\n"
                for line in how.split(separator: "\n") { out += wrap(String(line), indent: "     ") }
            }
        }
        if let p = r.practice.value {
            out += "\n" + style.bold(p.title) + "\n"
            for (i, step) in p.steps.enumerated() { out += wrap("\(i + 1). \(step)", indent: "   ", hanging: "      ") }
            for d in p.docs { out += style.dim("   \(d)") + "\n" }
        }
        if !r.filteredOut.isEmpty {
            out += "\n" + style.dim(wrap("Filtered out: " + r.filteredOut.map { "\($0.id) (\($0.reason))" }.joined(separator: "; "), indent: "", hanging: "  "))
        }
        let formats = r.saas.export.formats.joined(separator: ", ")
        out += "\n" + style.bold("Export from \(r.saas.name)") + (formats.isEmpty ? "" : ": \(formats)") + "\n"
        if let how = r.saas.export.how {
            // Numbered steps stay one per line; each line wraps on its own.
            for line in how.split(separator: "\n", omittingEmptySubsequences: true) {
                let hanging = line.first?.isNumber == true ? "      " : "   "
                out += wrap(String(line), indent: "   ", hanging: hanging)
            }
        }
        if let docs = r.saas.export.docs { out += style.dim("   \(docs)") + "\n" }
        return out
    }
}
