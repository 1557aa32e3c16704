/// `selfhost recommend mailchimp slack`: one migration plan for several SaaS products — the
/// first-ranked app per SaaS (a renderable one when there is one), the companions the apps
/// need, the total RAM where it is published, and a single `selfhost render` command.
enum CombinedPlan {
    struct Pick: Encodable, Sendable {
        var saas: String
        /// Nil when no alternative passes the filters (or the answer is a practice).
        var app: Nullable<String>
        var renderable: Bool
        var ramMb: Nullable<Int>
        var note: Nullable<String>
    }

    struct CompanionUse: Encodable, Sendable {
        var kind: String
        var apps: [String]
    }

    struct Plan: Encodable, Sendable {
        var picks: [Pick]
        /// Apps, each once, in the order asked.
        var apps: [String]
        /// Data services by kind and the apps that use them. Each app runs its own instance on its
        /// own private network; what the box shares is Caddy, the systemd units and the backups.
        var companions: [CompanionUse]
        var renderCommand: Nullable<String>
        /// Apps that install outside compose (`selfhost render` can't deploy them).
        var manual: [String]
        /// Sum of the published figures (recommended, else minimum), MB.
        var ramMbKnown: Int
        /// Apps with no published RAM figure: the total is a lower bound when any.
        var ramUnknown: [String]
    }

    struct Document: Encodable {
        var recommendations: [RecommendCommand.Report]
        var plan: Plan
    }

    static func make(_ reports: [RecommendCommand.Report], catalog: Catalog) -> Plan {
        var picks: [Pick] = []
        var apps: [RecommendCommand.Report.Alternative] = []
        for r in reports {
            guard let alt = r.alternatives.first(where: \.renderable) ?? r.alternatives.first else {
                let note = r.practice.value.map { "no app: \($0.title)" } ?? "no alternative passes the filters"
                picks.append(.init(saas: r.saas.id, app: Nullable(nil), renderable: false, ramMb: Nullable(nil), note: Nullable(note)))
                continue
            }
            let shared = apps.contains { $0.id == alt.id }
            picks.append(.init(saas: r.saas.id, app: Nullable(alt.id), renderable: alt.renderable, ramMb: alt.ramMb,
                               note: Nullable(shared ? "same app as an earlier SaaS" : nil)))
            if !shared { apps.append(alt) }
        }
        var companions: [CompanionUse] = []
        for a in apps {
            for kind in Set(a.companions.map(\.kind)).sorted() where kind != "other" {
                if let i = companions.firstIndex(where: { $0.kind == kind }) { companions[i].apps.append(a.id) }
                else { companions.append(.init(kind: kind, apps: [a.id])) }
            }
        }
        companions.sort { $0.apps.count != $1.apps.count ? $0.apps.count > $1.apps.count : $0.kind < $1.kind }
        let renderable = apps.filter(\.renderable).map(\.id)
        return Plan(
            picks: picks, apps: apps.map(\.id), companions: companions,
            renderCommand: Nullable(renderable.isEmpty ? nil : "selfhost render " + renderable.joined(separator: " ") + " --domain example.com"),
            manual: apps.filter { !$0.renderable }.map(\.id),
            ramMbKnown: apps.compactMap(\.ramMb.value).reduce(0, +),
            ramUnknown: apps.filter { $0.ramMb.value == nil }.map(\.id))
    }

    static func text(_ plan: Plan, reports: [RecommendCommand.Report], style: Style, width: Int?) -> String {
        func wrap(_ text: String, indent: String = "  ", hanging: String = "    ") -> String {
            TextFit.wrap(text, indent: indent, hanging: hanging, width: width)
        }
        var out = style.bold("One box for " + reports.map(\.saas.name).joined(separator: ", ")) + "\n\n"
        var table = FittedTable(columns: [
            .init("SAAS", minWidth: 8), .init("APP", minWidth: 8), .init("RAM", minWidth: 9),
            .init("DEPLOY", keep: 2), .init("OTHER OPTIONS", keep: 1, minWidth: 12),
        ], indent: 2)
        for (pick, r) in zip(plan.picks, reports) {
            let alt = r.alternatives.first { $0.id == pick.app.value }
            let others = r.alternatives.filter { $0.id != pick.app.value }.map(\.id).joined(separator: ", ")
            table.add([r.saas.name, alt?.name ?? "—", alt.map(RecommendCommand.ramText) ?? "—",
                       alt.map { $0.renderable ? "render" : "manual" } ?? (pick.note.value ?? ""), others.isEmpty ? "—" : others])
        }
        out += table.text(width: width, headerStyle: style.bold)
        out += "\n"
        var ram = "RAM: " + RecommendCommand.formatMB(plan.ramMbKnown) + " for " + plan.apps.filter { !plan.ramUnknown.contains($0) }.joined(separator: ", ")
        if plan.apps.count == plan.ramUnknown.count { ram = "RAM: no app in the plan publishes a figure" }
        else if !plan.ramUnknown.isEmpty { ram += ", plus " + plan.ramUnknown.joined(separator: ", ") + " (not published upstream): at least that much" }
        out += wrap(ram + ", before the OS and Caddy.")
        if !plan.companions.isEmpty {
            out += wrap("Data services: " + plan.companions.map { "\($0.kind) (\($0.apps.joined(separator: ", ")))" }.joined(separator: "; ")
                        + ". Each app runs its own on a private network; the apps share one Caddy (HTTPS), the systemd units and the nightly backups.")
        }
        if let cmd = plan.renderCommand.value { out += "  Next: " + style.cyan(cmd) + "\n" }
        if !plan.manual.isEmpty { out += wrap("Install by hand (outside compose): " + plan.manual.joined(separator: ", ")) }
        out += wrap("Details, migration steps and exports per SaaS: " + reports.map { "`selfhost recommend \($0.saas.id)`" }.joined(separator: ", "))
        return out
    }
}
