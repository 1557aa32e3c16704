import Foundation

/// `selfhost recommend mailchimp slack`: one migration plan for several SaaS products — the
/// first-ranked app per SaaS (a renderable one when there is one), the data services the apps
/// could or must not share, the box's memory from the `mem_limit`s render writes (`BoxMemory`,
/// the same sum `render` and `cost --apps` use), a single `selfhost render` command, and the
/// SaaS bills the box replaces where `catalog/pricing/` has a sourced price table.
enum CombinedPlan {
    struct Pick: Encodable, Sendable {
        var saas: String
        /// Nil when no alternative passes the filters (or the answer is a practice).
        var app: Nullable<String>
        var renderable: Bool
        var ramMb: Nullable<Int>
        var note: Nullable<String>
    }

    struct CompanionImage: Encodable, Sendable {
        var app: String
        var service: String
        var image: String
    }

    struct CompanionUse: Encodable, Sendable {
        var kind: String
        var apps: [String]
        /// The image each app's compose file pins for it.
        var images: [CompanionImage]
        /// `one_app`, `could_share` (every app pins the same image) or `must_not_share` (they pin
        /// different images: versions or builds one server can't be both).
        var sharing: String
        var why: String
    }

    /// One SaaS bill the plan replaces.
    struct Bill: Encodable, Sendable {
        var saas: String
        /// A sourced price table exists (`catalog/pricing/<saas>.yaml`).
        var priced: Bool
        /// How it is priced, e.g. "Slack Pro: $8.75 per seat a month (as of 2026-03-09)".
        var basis: Nullable<String>
        /// The `--saas` usage that priced it, when given.
        var usage: Nullable<String>
        /// The monthly bill for that usage (or the stated bill), in `currency`.
        var monthly: Nullable<Decimal>
        /// True when the usage is above the sourced table (the real bill is higher).
        var lowerBound: Bool
        var currency: Nullable<String>
        var source: Nullable<String>
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
        /// The box the render command writes: every service's mem_limit, Caddy and the system
        /// reserve (`BoxMemory`). Nil when no app of the plan renders.
        var memory: Nullable<BoxMemory>
        var bills: [Bill]
        /// Sum of the bills priced with a usage (`--saas`), per currency; nil when none.
        var billsMonthlyTotal: Nullable<Decimal>
        var billsCurrency: Nullable<String>
    }

    struct Document: Encodable {
        var recommendations: [RecommendCommand.Report]
        var plan: Plan
    }

    static func make(_ reports: [RecommendCommand.Report], catalog: Catalog, store: ResourceStore? = nil,
                     pricing: PricingCatalog? = nil, usages: [SaaSUsage] = []) throws -> Plan {
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
        let renderable = apps.filter(\.renderable).map(\.id)
        let memory = try store.flatMap { store in
            renderable.isEmpty ? nil : try BoxMemory.plan(apps: renderable, catalog: catalog, store: store)
        }
        return Plan(
            picks: picks, apps: apps.map(\.id), companions: companionUses(apps),
            renderCommand: Nullable(renderable.isEmpty ? nil : "selfhost render " + renderable.joined(separator: " ") + " --domain example.com"),
            manual: apps.filter { !$0.renderable }.map(\.id),
            ramMbKnown: apps.compactMap(\.ramMb.value).reduce(0, +),
            ramUnknown: apps.filter { $0.ramMb.value == nil }.map(\.id),
            memory: Nullable(memory),
            bills: bills(reports, pricing: pricing, usages: usages),
            billsMonthlyTotal: Nullable(nil), billsCurrency: Nullable(nil)).withTotals()
    }

    /// Data services by kind. Render gives every app its own instance on its own `internal`
    /// network (an app's compromise stays with its own data); whether one server *could* serve
    /// them all is still worth knowing: only when every app pins the same image.
    static func companionUses(_ apps: [RecommendCommand.Report.Alternative]) -> [CompanionUse] {
        var uses: [CompanionUse] = []
        for a in apps {
            for c in a.companions where c.kind != "other" {
                let image = CompanionImage(app: a.id, service: c.service, image: c.image)
                if let i = uses.firstIndex(where: { $0.kind == c.kind }) {
                    if !uses[i].apps.contains(a.id) { uses[i].apps.append(a.id) }
                    uses[i].images.append(image)
                } else {
                    uses.append(.init(kind: c.kind, apps: [a.id], images: [image], sharing: "", why: ""))
                }
            }
        }
        for i in uses.indices {
            let refs = uses[i].images.map(\.image).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            if uses[i].apps.count == 1 {
                uses[i].sharing = "one_app"
                uses[i].why = "only \(uses[i].apps[0]) uses \(uses[i].kind)"
            } else if refs.count == 1 {
                uses[i].sharing = "could_share"
                uses[i].why = "every app pins \(refs[0]); render still gives each its own instance on a private network (separate passwords, backups and upgrades)"
            } else {
                uses[i].sharing = "must_not_share"
                let byImage = refs.map { ref in "\(ref) (\(uses[i].images.filter { $0.image == ref }.map(\.app).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(separator: ", ")))" }
                uses[i].why = "the apps pin different images: " + byImage.joined(separator: ", ") + "; one server can't be every version"
            }
        }
        return uses.sorted { $0.apps.count != $1.apps.count ? $0.apps.count > $1.apps.count : $0.kind < $1.kind }
    }

    /// The bill of each SaaS: its sourced price table (`cost`'s `SaaSPricing`), priced for the
    /// usage given with `--saas`, else described by how it is billed.
    static func bills(_ reports: [RecommendCommand.Report], pricing: PricingCatalog?, usages: [SaaSUsage]) -> [Bill] {
        reports.map { r in
            let table = pricing?.saasProduct(r.saas.id).flatMap { $0.kind == .saas ? $0 : nil }
            let usage = usages.first { $0.product.id == r.saas.id }
            var bill = Bill(saas: r.saas.id, priced: table?.hasPriceTable ?? false, basis: Nullable(table.map(basis)),
                            usage: Nullable(nil), monthly: Nullable(nil), lowerBound: false,
                            currency: Nullable(table?.currency ?? (usage == nil ? nil : "USD")),
                            source: Nullable(table.flatMap(firstFigure)?.source.url))
            if let usage {
                bill.usage = Nullable(usage.original)
                if let stated = usage.statedBill {
                    bill.monthly = Nullable(stated)
                } else {
                    let b = usage.product.bill(quantity: usage.quantity, unitName: usage.unitName)
                    bill.monthly = Nullable(Money.round(b.amount))
                    bill.lowerBound = b.lowerBound
                }
            }
            return bill
        }
    }

    static func firstFigure(_ p: SaaSPricing) -> Figure? {
        switch p.model {
        case .perUnit(let units): units.first?.price
        case .planTiers(let plans): plans.sorted { $0.upTo < $1.upTo }.first { $0.price.value > 0 }?.price ?? plans.first?.price
        case .metered(let rate): rate.tiers.first?.price
        case .statedOnly: nil
        }
    }

    /// "Slack Pro: $8.75 per seats a month (as of 2026-03-09)".
    static func basis(_ p: SaaSPricing) -> String {
        let money = { (d: Decimal) in Money.format(d, currency: p.currency, scale: d == Money.round(d, scale: 0) ? 0 : 2) }
        switch p.model {
        case .perUnit(let units):
            let u = units[0]
            let one = p.unit.hasSuffix("s") ? String(p.unit.dropLast()) : p.unit
            return "\(p.name): \(money(u.price.value)) per \(one) a month" + (u.id == p.unit ? "" : " (\(u.id))") + " (as of \(u.price.asOfText))"
        case .planTiers(let plans):
            let sorted = plans.sorted { $0.upTo < $1.upTo }
            let paid = sorted.first { $0.price.value > 0 } ?? sorted[0]
            return "\(p.name): \(money(paid.price.value)) a month for up to \(Money.plain(paid.upTo, scale: 0)) \(p.unit) (as of \(paid.price.asOfText))"
                + (sorted.count > 1 ? "; \(sorted.count) sourced plans" : "")
        case .metered(let rate):
            return "\(p.name): metered by \(p.unit), \(Money.plain(rate.free, scale: 0)) free" + (rate.tiers.first.map { ", then from \(Money.format($0.price.value, currency: p.currency, scale: 4)) each (as of \($0.price.asOfText))" } ?? "")
        case .statedOnly:
            return "\(p.name): no sourced price table"
        }
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
        if let m = plan.memory.value {
            let services = m.totalMib - m.caddyMib - m.systemReserveMib
            out += wrap("RAM: the box needs ≈ \(Money.plain(m.gib, scale: 1)) GiB — the mem_limits render writes (\(m.apps.map { "\($0.app) \($0.mib)" }.joined(separator: ", ")); \(services) MiB) + Caddy \(m.caddyMib) MiB + system \(m.systemReserveMib) MiB.")
        }
        var ram = (plan.memory.value == nil ? "RAM: " : "Published figures: ") + RecommendCommand.formatMB(plan.ramMbKnown) + " for " + plan.apps.filter { !plan.ramUnknown.contains($0) }.joined(separator: ", ")
        if plan.apps.count == plan.ramUnknown.count { ram = "RAM: no app in the plan publishes a figure" }
        else if !plan.ramUnknown.isEmpty { ram += "; " + plan.ramUnknown.joined(separator: ", ") + " publish none" }
        out += wrap(ram + ".")
        for c in plan.companions {
            let head: String
            switch c.sharing {
            case "could_share": head = "\(c.kind) (\(c.apps.joined(separator: ", "))): could share one server — "
            case "must_not_share": head = "\(c.kind) (\(c.apps.joined(separator: ", "))): must not share — "
            default: head = "\(c.kind): "
            }
            out += wrap(head + c.why + ".")
        }
        if !plan.companions.isEmpty {
            out += wrap("The apps share one Caddy (HTTPS), the systemd units and the nightly backups; each keeps its data services on a private network.")
        }
        let priced = plan.bills.filter { $0.priced || $0.monthly.value != nil }
        if !priced.isEmpty {
            out += "\n" + style.bold("  SaaS bills it replaces") + "\n"
            for b in priced {
                let name = reports.first { $0.saas.id == b.saas }?.saas.name ?? b.saas
                var line = name + ": "
                if let m = b.monthly.value {
                    line += (b.lowerBound ? "at least " : "") + Money.format(m, currency: b.currency.value ?? "USD") + " a month for \(b.usage.value ?? "")"
                    if let basis = b.basis.value { line += " (\(basis))" }
                } else {
                    line += (b.basis.value ?? "") + "; give --saas \(b.saas)=USAGE to price yours"
                }
                out += wrap(line)
            }
            if let total = plan.billsMonthlyTotal.value {
                out += wrap("Together: " + Money.format(total, currency: plan.billsCurrency.value ?? "USD") + " a month; `selfhost cost` compares it with servers that hold the box.")
            }
        }
        let unpriced = plan.bills.filter { !$0.priced && $0.monthly.value == nil }.map(\.saas)
        if !unpriced.isEmpty { out += wrap("No sourced price table: " + unpriced.joined(separator: ", ") + " (give your bill with --saas NAME=@AMOUNT).") }
        out += "\n"
        if let cmd = plan.renderCommand.value { out += "  Next: " + style.cyan(cmd) + "\n" }
        if !plan.manual.isEmpty { out += wrap("Install by hand (outside compose): " + plan.manual.joined(separator: ", ")) }
        out += wrap("Details, migration steps and exports per SaaS: " + reports.map { "`selfhost recommend \($0.saas.id)`" }.joined(separator: ", "))
        return out
    }
}

extension CombinedPlan.Plan {
    /// The bills priced with a usage, summed when they share one currency.
    func withTotals() -> Self {
        var p = self
        let withAmount = bills.filter { $0.monthly.value != nil }
        let currencies = Set(withAmount.compactMap(\.currency.value))
        if !withAmount.isEmpty, currencies.count == 1 {
            p.billsMonthlyTotal = Nullable(withAmount.compactMap(\.monthly.value).reduce(0, +))
            p.billsCurrency = Nullable(currencies.first)
        }
        return p
    }
}
