import Foundation

/// A terminal chart of monthly cost against egress, one letter per option, so crossovers show
/// as lines that cross. Plain ASCII; colour only when the context allows it.
public enum CostChart {
    static let samples = 60
    static let height = 16

    public static func render(_ series: [CostReport.ChartSeries], currency: String, usdPerUnit: Decimal, style: Style) -> String {
        guard let maxX = series.compactMap({ $0.points.last?.egressBytes }).max(), maxX > 0 else { return "" }
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let colors: [(String) -> String] = [style.cyan, style.yellow, style.green, style.red, style.bold, { $0 }]
        var maxY: Decimal = 0
        for s in series { for p in s.points { maxY = max(maxY, p.totalUsd.exact / usdPerUnit) } }
        if maxY <= 0 { maxY = 1 }
        let width = samples + 1
        var grid = Array(repeating: Array(repeating: " ", count: width), count: height + 1)
        for (si, s) in series.enumerated() {
            let ch = String(letters[si % letters.count])
            for (i, p) in s.points.enumerated() where i < width {
                let y = p.totalUsd.exact / usdPerUnit
                let row = NSDecimalNumber(decimal: Money.round(y / maxY * Decimal(height), scale: 0)).intValue
                let r = height - min(max(row, 0), height)
                grid[r][i] = grid[r][i] == " " || grid[r][i] == ch ? ch : "*"
            }
        }
        let yLabelWidth = Money.format(maxY, currency: currency, scale: 0).count
        var out = ""
        for (r, line) in grid.enumerated() {
            let value = maxY * Decimal(height - r) / Decimal(height)
            let label = (r % 4 == 0) ? Money.format(value, currency: currency, scale: 0) : ""
            var rendered = ""
            for cell in line {
                if let idx = letters.firstIndex(of: Character(cell == "*" || cell == " " ? "?" : cell)) {
                    rendered += colors[idx % colors.count](cell)
                } else {
                    rendered += cell
                }
            }
            out += String(repeating: " ", count: max(0, yLabelWidth - label.count)) + label + " |" + rendered + "\n"
        }
        out += String(repeating: " ", count: yLabelWidth) + " +" + String(repeating: "-", count: width) + "\n"
        let left = "0"
        let right = ByteSize.describe(bytes: maxX)
        out += String(repeating: " ", count: yLabelWidth + 2) + left + String(repeating: " ", count: max(1, width - left.count - right.count)) + right + "  egress/month\n"
        for (si, s) in series.enumerated() {
            var line = "  " + colors[si % colors.count](String(letters[si % letters.count])) + "  " + (s.lowerBound ? "≥ " : "") + s.option
            if let end = s.egressPricedToBytes {
                line += " (egress priced only to \(ByteSize.describe(bytes: end)): the line stops there)"
            } else if s.lowerBound {
                line += " (lower bound: a part is not priced)"
            }
            out += line + "\n"
        }
        out += "  *  two or more options at the same cost"
        if series.contains(where: { $0.lowerBound }) { out += "; ≥ lower bound (the real cost is higher)" }
        out += "\n"
        return out
    }
}

/// The text (table + footnotes) form of the report.
enum CostText {
    static func render(_ r: CostReport, options: CostCommand.Options, style: Style, width: Int? = nil) -> String {
        var out = ""
        let cur = r.currency
        let perUnit: Decimal = (cur == "EUR") ? (r.exchangeRate?.usdPerEur ?? 1) : 1
        // Convert exact USD, round once when shown (converting cent-rounded USD drifts a cent).
        func money(_ c: Cents) -> String { Money.format(c.exact / perUnit, currency: cur) }
        func shown(_ d: Decimal) -> String { Money.format(d, currency: cur) }
        var title = "Monthly cost"
        if let b = r.egressBytes, let input = r.egressInput {
            title += " with \(input) egress (\(Money.plain(b / 1_000_000_000, scale: 1)) GB = \(Money.plain(b / 1_073_741_824, scale: 1)) GiB)"
        }
        title += ", \(cur), 730-hour month"
        out += style.bold(title) + "\n\n"
        for u in r.unanswered { out += style.red("No answer: ") + u + "\n" }
        if !r.unanswered.isEmpty { out += "\n" }

        let compute = r.options.filter { $0.kind != "saas" }
        let saas = r.options.filter { $0.kind == "saas" }
        if !saas.isEmpty {
            var t = TextTable(headers: ["SaaS", "plan", "usage", "per month"], alignments: [.left, .left, .left, .right])
            for o in saas {
                t.add([o.providerName + refs(o), o.plan, o.usage ?? "", (o.lowerBound ? "≥ " : "") + shown(o.total.value)])
            }
            out += t.render(headerStyle: style.bold) + "\n"
        }
        if !compute.isEmpty {
            let hasHidden = compute.contains { $0.hiddenUsd.value != 0 || $0.servicesUsd.value != 0 }
            var headers = ["", "provider", "kind", "plan", "compute", "egress"]
            if hasHidden { headers.append("extra") }
            headers += ["total", "×cheapest", "egress billed as"]
            // On a narrow terminal: billing details, kind and ratio go first, then names and plans are cut.
            let keep: [String: Int] = ["egress billed as": 1, "kind": 2, "×cheapest": 3, "extra": 4]
            var t = FittedTable(columns: headers.map { h in
                .init(h, keep: keep[h] ?? 0, right: ["compute", "egress", "extra", "total", "×cheapest"].contains(h),
                      minWidth: ["provider", "plan"].contains(h) ? 12 : h == "egress billed as" ? 16 : nil)
            })
            for o in compute {
                let mark = o.cheapest ? style.green("▶") : " "
                // Columns add up to the total shown (the JSON `total`): cents allocated by largest remainder.
                let parts = Money.allocate(([o.computeUsd?.exact ?? 0, o.egressUsd.exact] + o.hidden.map(\.usd) + o.services.map(\.usd)).map { $0 / perUnit }, to: o.total.value)
                var row = [mark, o.providerName + refs(o), (o.role.map { "\($0) " } ?? "") + o.kind, (o.count > 1 ? "\(o.count) × " : "") + o.plan,
                           o.computeUsd == nil ? "—" : shown(parts[0]), shown(parts[1])]
                if hasHidden { row.append(shown(parts.dropFirst(2).reduce(0, +))) }
                row.append((o.lowerBound ? "≥ " : "") + (o.cheapest ? style.green(shown(o.total.value)) : shown(o.total.value)))
                // A lower-bound total gives a lower-bound ratio.
                row.append(o.ratioToCheapest.map { (o.lowerBound ? "≥ " : "") + Money.plain($0, scale: 2) + "×" } ?? "")
                var billed = o.egressBilled ?? ""
                if let u = o.billingUnit, billed.isEmpty { billed = u }
                if let inc = o.includedTransfer { billed += " (incl. \(inc))" }
                row.append(billed)
                t.add(row)
            }
            out += t.text(width: width, headerStyle: style.bold)
            if compute.contains(where: { $0.cheapest }) { out += "  ▶ cheapest fully priced option; ×cheapest = total ÷ that total; ≥ = lower bound" + (compute.contains { $0.computeUsd == nil } ? "; — = no sourced price" : "") + "\n" }
            else if !r.unmatched.isEmpty { out += "  no ▶: no fully priced plan of the size asked for (see below)\n" }
            else if compute.contains(where: { $0.lowerBound }) { out += "  no ▶: every row is a lower bound (≥): a part is not priced, or the price is known to be below today's (see notes)\n" }
            out += "\n"
        }
        if !r.unmatched.isEmpty {
            out += style.bold("Left out: no plan of the size asked for") + "\n"
            for u in r.unmatched { out += "  - " + u.text + "\n" }
            out += "\n"
        }
        if let fleet = r.fleet, !fleet.isEmpty {
            out += style.bold("Fleet against one box") + "\n"
            var t = TextTable(headers: ["provider", "fleet", "fleet/month", "box", "box/month", "box ÷ fleet"], alignments: [.left, .left, .right, .left, .right, .right])
            for f in fleet {
                // A lower-bound box can only raise the ratio, a lower-bound fleet only lower it.
                let bound = f.boxLowerBound && f.fleetLowerBound ? "? " : f.boxLowerBound ? "≥ " : f.fleetLowerBound ? "≤ " : ""
                t.add([f.provider, f.fleetPlan, (f.fleetLowerBound ? "≥ " : "") + money(f.fleetUsd), f.boxPlan, (f.boxLowerBound ? "≥ " : "") + money(f.boxUsd),
                       f.boxToFleet.map { bound + Money.plain($0 * 100, scale: 0) + "%" } ?? ""])
            }
            out += t.render(headerStyle: style.bold) + "\n"
        }
        if let s = r.saas {
            out += style.bold("SaaS against self-hosting") + "\n"
            if s.apps.isEmpty {
                let example = s.suggestedApps.isEmpty ? "listmonk,rocketchat" : s.suggestedApps.joined(separator: ",")
                out += "  apps: none given, so self-hosting is not priced; pass --apps LIST (e.g. --apps \(example)) to compare\n"
            } else {
                out += "  apps: " + s.apps.map { "\($0.app) \($0.ramMB) MB (\($0.basis))" }.joined(separator: ", ") + " = \(s.appRamMb) MB\n"
                if !s.boxNeedText.isEmpty { out += "  the box they need, as render writes it: \(s.boxNeedText)\n" }
                if let shares = s.appShares {
                    out += "  per-app share of the cheapest self-hosted total, by memory: " + shares.map { "\($0.app) \(money($0.usd))" }.joined(separator: ", ") + "\n"
                }
            }
            if options.saas.isEmpty {
                out += "  SaaS bills: none given; pass --saas NAME=USAGE (e.g. --saas slack=12seats) to compare"
            } else {
                out += "  SaaS bills: \(s.saasLowerBound ? "≥ " : "")\(money(s.saasTotalUsd)) a month"
            }
            if let h = s.selfhostTotalUsd, let sv = s.savingsUsd {
                let selfhost = (s.selfhostLowerBound ? "≥ " : "") + money(h)
                if options.saas.isEmpty {
                    out += "; self-hosted from \(selfhost) a month"
                } else {
                    // A lower-bound side bounds the difference: SaaS higher widens it, self-hosting higher narrows it.
                    let bound = s.savingsBound == "at_least" ? "≥ " : s.savingsBound == "at_most" ? "≤ " : ""
                    out += "; self-hosted from \(selfhost); "
                    out += s.savingsBound == "unknown"
                        ? "difference not known: both sides are lower bounds (\(money(sv)) a month on the priced parts)"
                        : "difference \(bound)\(money(sv)) a month (\(bound)\(money(Cents(sv.exact * 12))) a year)"
                }
            }
            out += "\n\n"
        }
        if !r.breakEven.isEmpty {
            out += style.bold("Break-even") + "\n"
            for b in r.breakEven { out += "  • " + b.text + "\n" }
            out += "\n"
        }
        if let chart = r.chart, !chart.isEmpty {
            out += style.bold("Monthly cost against egress") + "\n"
            out += CostChart.render(chart, currency: cur, usdPerUnit: perUnit, style: style) + "\n"
        }
        // One block per provider: a provider that is both the fleet and the box is listed once,
        // with both roles, each note once.
        var noteKeys: [(provider: String, notes: [String], roles: [String])] = []
        for o in r.options where !o.notes.isEmpty {
            if let i = noteKeys.firstIndex(where: { $0.provider == o.providerName }) {
                if let role = o.role, !noteKeys[i].roles.contains(role) { noteKeys[i].roles.append(role) }
                for n in o.notes where !noteKeys[i].notes.contains(n) { noteKeys[i].notes.append(n) }
            } else {
                noteKeys.append((o.providerName, o.notes, o.role.map { [$0] } ?? []))
            }
        }
        let noteBlocks = noteKeys.map { k in
            "  - \(k.provider)\(k.roles.isEmpty ? "" : " (\(k.roles.joined(separator: ", ")))"):\n"
                + k.notes.map { "      · " + $0.trimmingCharacters(in: CharacterSet(charactersIn: ". ")) + "\n" }.joined()
        }
        if !noteBlocks.isEmpty {
            out += style.bold("Notes") + "\n" + noteBlocks.joined() + "\n"
        }
        let units = Set(r.options.compactMap { o in o.billingUnit.map { "\(o.providerName) bills egress in \($0)" + (o.billingUnitNote.map { " (\($0))" } ?? "") } })
        if !units.isEmpty || !r.assumptions.isEmpty {
            out += style.bold("Units and assumptions") + "\n"
            for u in units.sorted() { out += "  - \(u)\n" }
            for a in r.assumptions { out += "  - \(a)\n" }
            if let rate = r.exchangeRate { out += "  - EUR/USD \(Money.exact(rate.usdPerEur)) (ECB reference rate of \(rate.asOf))\n" }
            out += "\n"
        }
        if !r.unpriced.isEmpty {
            out += style.bold("Listed but not priced") + "\n"
            for u in r.unpriced { out += "  - \(u.name): " + u.notes.joined(separator: " ") + "\n" }
            out += "\n"
        }
        out += style.bold("Sources") + "\n"
        for s in r.sources {
            out += "  [\(s.footnote)] \(s.title) — \(s.url) — as of \(s.asOf.joined(separator: ", "))"
            if !s.seenIn.isEmpty { out += "; read in " + s.seenIn.joined(separator: ", ") }
            out += "\n"
        }
        if !r.warnings.isEmpty {
            out += "\n"
            for w in r.warnings { out += style.yellow("warning: ") + w + "\n" }
        }
        return out
    }

    static func refs(_ o: CostReport.Option) -> String {
        o.sources.isEmpty ? "" : " [" + o.sources.map(\.footnote).sorted().map(String.init).joined(separator: ",") + "]"
    }
}
