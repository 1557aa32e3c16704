import Foundation

/// One priced line of the comparison: a cloud VM, a VPS plan (or a fleet of them), a SaaS bill
/// or a self-hosted box share. All money is exact; rounding happens when it is shown.
public struct CostOption: Sendable {
    public var provider: String
    public var providerName: String
    public var kind: PricingKind
    /// `selfhost` rows are kind vps with this flag (JSON kind `selfhost`).
    public var isSelfHost = false
    public var plan: String
    public var count: Int = 1
    public var computeUSD: Decimal = 0
    /// No sourced compute price (Azure's VMs): `computeUSD` is 0 only as a placeholder, shown
    /// as null in JSON and "—" in text; the row is a lower bound.
    public var computeUnpriced = false
    public var egressUSD: Decimal = 0
    public var hidden: [HiddenLine] = []
    /// Usage-based services a self-hosted box relies on (e.g. Amazon SES for email).
    public var services: [HiddenLine] = []
    public var billingUnit: BillingUnit?
    public var unitNote: String?
    public var includedText: String?
    /// Included transfer (all servers together) in `includedUnit`, exact.
    public var includedAmount: Decimal?
    public var includedUnit: String?
    /// `pooled` (account-wide) or `per_server`.
    public var includedScope: String?
    public var billedText: String?
    /// Billable egress in `billingUnit`, exact.
    public var billedAmount: Decimal?
    /// Egress above the last sourced tier, in `billingUnit` (left unpriced).
    public var egressUnpriced: Decimal = 0
    /// True when a part could not be priced from sourced data (the real total is higher).
    public var lowerBound = false
    public var notes: [String] = []
    public var figures: [Figure] = []
    public var role: String?
    /// For SaaS rows: the usage priced, e.g. `12 seats`.
    public var usage: String?
    /// One-off setup fees (all servers of the row), exact USD; not part of the monthly total.
    public var setupUSD: Decimal?

    public var hiddenUSD: Decimal { hidden.reduce(0) { $0 + $1.usd } }
    public var servicesUSD: Decimal { services.reduce(0) { $0 + $1.usd } }
    public var totalUSD: Decimal { computeUSD + egressUSD + hiddenUSD + servicesUSD }
    public var jsonKind: String { isSelfHost ? "selfhost" : kind.rawValue }
}

/// An optional cost the user asked to see (backups, public IPv4, admin time).
public struct HiddenLine: Sendable, Encodable {
    public var label: String
    public var usd: Decimal
    public var note: String?
    /// The cent amount shown for `usd` when the report allocated its row's cents (see
    /// `Money.allocate`); nil means `usd` rounded.
    public var shownUSD: Decimal?

    public init(label: String, usd: Decimal, note: String? = nil) {
        self.label = label; self.usd = usd; self.note = note
    }

    enum CodingKeys: String, CodingKey { case label, usd, note }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(label, forKey: .label)
        try c.encode(shownUSD.map { Cents(exact: usd, shown: $0) } ?? Cents(usd), forKey: .usd)
        try c.encodeIfPresent(note, forKey: .note)
    }
}

/// Which hidden costs to add.
public struct HiddenCostRequest: Sendable {
    public var backups = false
    public var ipv4 = false
    public var adminHours: Decimal?
    /// USD per hour (converted from the display currency when that is EUR).
    public var hourlyRate: Decimal?
    /// How the user wrote the rate, for the note (e.g. `€80`).
    public var rateLabel: String?
    /// Requests a month (`--requests`): prices the request-billed front of a cloud setup.
    public var requests: Decimal?
    public init() {}
}

/// Converts provider currency to USD with the sourced ECB rate.
struct Converter {
    let rate: ExchangeRate?

    func usd(_ amount: Decimal, from currency: String) throws -> Decimal {
        if currency == "USD" { return amount }
        guard let rate else {
            throw SelfhostError.problem("prices in \(currency) need the EUR/USD rate in catalog/pricing/eur-usd.yaml", remedy: "restore the rate file")
        }
        return amount * rate.usdPerEUR.value
    }
}

/// Prices a provider's plan for a given egress.
struct Quoter {
    let converter: Converter
    let hidden: HiddenCostRequest

    /// Cost of `count` servers of `plan` at `provider` moving `egressBytes` a month.
    func quote(provider p: ProviderPricing, plan: ComputePlan?, count: Int, egressBytes: Decimal, awsPriceSet: String?) throws -> CostOption {
        var o = CostOption(provider: p.id, providerName: p.name, kind: p.kind, plan: plan?.name ?? "no sourced VM price")
        o.count = count
        var egress = p.egress
        if p.id == "aws", let set = awsPriceSet {
            guard let applied = p.egress.applying(priceSet: set) else {
                throw SelfhostError.usage("unknown AWS price set '\(set)'", remedy: "use current or " + p.egress.priceSets.map(\.id).joined(separator: ", "))
            }
            egress = applied
            o.notes.append("AWS price set '\(set)': " + (p.egress.priceSets.first { $0.id == set }?.description ?? ""))
        }
        o.billingUnit = egress.unit
        o.unitNote = egress.unitNote
        if let plan {
            o.computeUSD = try converter.usd(plan.price.monthly * Decimal(count), from: p.currency)
            o.figures.append(plan.price.figure)
            if plan.price.isHourly { o.notes.append("\(plan.id): hourly price × 730 h") }
            if let floor = plan.priceFloor {
                o.lowerBound = true
                o.notes.append("\(plan.id): price is a lower bound: \(floor)")
            }
            if let setup = plan.setup {
                o.setupUSD = try converter.usd(setup.value * Decimal(count), from: p.currency)
                o.figures.append(setup)
                o.notes.append("\(plan.id): setup fee \(Money.format(setup.value, currency: p.currency)) once per server, not in the monthly total")
            }
        } else {
            o.lowerBound = true
            o.computeUnpriced = true
            o.notes.append("compute not priced: no sourced VM price")
        }
        // Included transfer (per plan × count); per-server allowances are assumed evenly used.
        var includedBytes: Decimal = 0
        if let plan, let inc = plan.included, let unit = plan.includedUnit {
            includedBytes = inc.value * unit.bytes * Decimal(count)
            o.figures.append(inc)
            o.includedAmount = inc.value * Decimal(count)
            o.includedUnit = unit.rawValue
            o.includedScope = p.egress.scope == .account ? "pooled" : "per_server"
            if p.egress.scope == .account {
                o.includedText = "\(Self.amountText(inc.value * Decimal(count))) \(unit.rawValue) pooled"
            } else {
                o.includedText = (count > 1 ? "\(count) × " : "") + "\(Self.amountText(inc.value)) \(unit.rawValue) per server"
            }
            if p.egress.scope == .perServer && count > 1 {
                o.notes.append("included traffic is per server; assumes traffic spread evenly across the \(count) servers")
            }
        }
        // The account-wide free allowance (Vultr 2 TB, AWS 100 GB) comes off too: show it with
        // the plans' transfer, so the text and the numbers state all that is subtracted.
        if let free = egress.free, free.value > 0 {
            let unit = o.includedUnit.flatMap { BillingUnit(text: $0) } ?? egress.unit
            let amount = free.value * egress.unit.bytes / unit.bytes
            let text = "\(Self.amountText(amount)) \(unit.rawValue) free per account"
            o.includedText = o.includedText.map { $0 + " + " + text } ?? text
            o.includedAmount = (o.includedAmount ?? 0) + amount
            o.includedUnit = unit.rawValue
            o.includedScope = o.includedScope ?? "pooled"
        }
        let usage = egress.unit.amount(of: egressBytes)
        let net = max(0, usage - egress.unit.amount(of: includedBytes))
        let r = egress.rate.cost(net)
        o.egressUSD = try converter.usd(r.cost, from: p.currency)
        o.figures += r.figures
        if let f = egress.free { o.figures.append(f) }
        o.billedText = "\(Money.plain(r.billable, scale: 2)) \(egress.unit.rawValue)"
        o.billedAmount = r.billable
        o.egressUnpriced = r.unpriced
        if r.unpriced > 0 {
            o.lowerBound = true
            o.notes.append("\(Money.plain(r.unpriced, scale: 0)) \(egress.unit.rawValue) above the last sourced tier not priced")
        }
        if p.currency != "USD", let rate = converter.rate {
            o.figures.append(rate.usdPerEUR)
            o.notes.append("converted from \(p.currency) at \(Money.exact(rate.usdPerEUR.value)) USD/EUR")
        }
        o.hidden = try hiddenLines(provider: p, computeUSD: o.computeUSD, count: count, egressBytes: egressBytes, figures: &o.figures, notes: &o.notes, lowerBound: &o.lowerBound)
        o.notes += p.notes + egress.notes
        return o
    }

    /// A whole number without decimals (`4`, `5,000`), anything else exactly (`0.5`).
    static func amountText(_ x: Decimal) -> String {
        x == Money.round(x, scale: 0) ? Money.plain(x, scale: 0) : Money.exact(x)
    }

    func hiddenLines(provider p: ProviderPricing, computeUSD: Decimal, count: Int, egressBytes: Decimal, figures: inout [Figure], notes: inout [String], lowerBound: inout Bool) throws -> [HiddenLine] {
        var lines: [HiddenLine] = []
        if let requests = hidden.requests {
            switch p.kind {
            case .vps:
                lines.append(HiddenLine(label: "per request", usd: 0, note: "nothing is billed per request on a VPS plan"))
            default:
                if let lb = p.loadBalancer {
                    let m = lb.monthly(requests: requests, bytes: egressBytes)
                    lines.append(HiddenLine(label: lb.name.lowercased(), usd: try converter.usd(m.usd, from: p.currency),
                                            note: "730 h × \(Money.format(lb.hour.value, currency: p.currency, scale: 4)) + \(Money.plain(m.units, scale: 2)) capacity units × 730 h × \(Money.format(lb.capacityUnitHour.value, currency: p.currency, scale: 3)); " + (m.byBytes ? "processed bytes set the units" : "new connections set the units (every request counted as one)") + "; traffic spread evenly over the month"))
                    figures += [lb.hour, lb.capacityUnitHour, lb.unitGBPerHour, lb.unitNewConnectionsPerSecond]
                } else {
                    lowerBound = true
                    notes.append("request-billed load balancer: no sourced price for \(p.name), so the total is a lower bound")
                }
            }
        }
        if hidden.backups {
            if case .percentOfCompute(let f)? = p.backups?.basis {
                lines.append(HiddenLine(label: "backups", usd: computeUSD * f.value / 100, note: f.note))
                figures.append(f)
            } else {
                notes.append("backups: no sourced price for \(p.name)")
            }
        }
        if hidden.ipv4 {
            if case .perServer(let m)? = p.publicIPv4?.basis {
                lines.append(HiddenLine(label: "public IPv4", usd: try converter.usd(m.monthly * Decimal(count), from: p.currency), note: m.figure.note))
                figures.append(m.figure)
            } else {
                notes.append("public IPv4: no separate charge sourced for \(p.name)")
            }
        }
        if let h = hidden.adminHours, h > 0 {
            let rate = hidden.hourlyRate ?? 0
            lines.append(HiddenLine(label: "admin time", usd: h * rate, note: "\(Money.exact(h)) h × \(hidden.rateLabel ?? Money.format(rate, currency: "USD"))/h (your figures)"))
        }
        return lines
    }

    /// The plan minimising the total for this egress among plans meeting `spec`.
    func bestPlan(provider p: ProviderPricing, spec: ServerSpec, egressBytes: Decimal, awsPriceSet: String?) throws -> CostOption? {
        var best: CostOption?
        for plan in p.plans where spec.fits(plan) {
            let o = try quote(provider: p, plan: plan, count: spec.count, egressBytes: egressBytes, awsPriceSet: awsPriceSet)
            if best == nil || o.totalUSD < best!.totalUSD { best = o }
        }
        return best
    }

    /// A closure giving the total for any egress, for break-even and the chart.
    func curve(for option: CostOption, providers: [ProviderPricing], awsPriceSet: String?) -> (@Sendable (Decimal) -> Decimal)? {
        guard let p = providers.first(where: { $0.id == option.provider }) else { return nil }
        let plan = p.plans.first { $0.name == option.plan }
        let count = option.count
        let me = self
        return { bytes in
            (try? me.quote(provider: p, plan: plan, count: count, egressBytes: bytes, awsPriceSet: awsPriceSet).totalUSD) ?? 0
        }
    }

    /// The option priced at any egress (nil when its provider is not in `providers`), for the chart.
    func quoteCurve(for option: CostOption, providers: [ProviderPricing], awsPriceSet: String?) -> (@Sendable (Decimal) -> CostOption?)? {
        guard let p = providers.first(where: { $0.id == option.provider }) else { return nil }
        let plan = p.plans.first { $0.name == option.plan }
        let count = option.count
        let me = self
        return { bytes in try? me.quote(provider: p, plan: plan, count: count, egressBytes: bytes, awsPriceSet: awsPriceSet) }
    }

    /// The egress (bytes) up to which an option's egress has sourced prices; nil when the last
    /// tier is open-ended (priced at any egress).
    func pricedEgressLimit(for option: CostOption, providers: [ProviderPricing], awsPriceSet: String?) -> Decimal? {
        guard let p = providers.first(where: { $0.id == option.provider }) else { return nil }
        let egress = (p.id == "aws" ? p.egress.applying(priceSet: awsPriceSet) : nil) ?? p.egress
        guard let last = egress.rate.tiers.last, last.upTo != nil else { return nil }
        return breakpoints(for: option, providers: providers, awsPriceSet: awsPriceSet).max()
    }

    /// Egress byte counts where an option's cost slope may change.
    func breakpoints(for option: CostOption, providers: [ProviderPricing], awsPriceSet: String?) -> [Decimal] {
        guard let p = providers.first(where: { $0.id == option.provider }) else { return [] }
        let egress = (p.id == "aws" ? p.egress.applying(priceSet: awsPriceSet) : nil) ?? p.egress
        var included: Decimal = 0
        if let plan = p.plans.first(where: { $0.name == option.plan }), let inc = plan.included, let u = plan.includedUnit {
            included = inc.value * u.bytes * Decimal(option.count)
        }
        return egress.rate.breakpoints.map { included + $0 * egress.unit.bytes }
    }
}

/// Break-even points between two cost curves that are piecewise linear in egress.
public enum BreakEven {
    /// The smallest egress (bytes) at which `cheaper(x) <= dearer(x)`, searching up to `limit`.
    /// Returns 0 when it already holds at no egress, nil when it never does up to `limit`.
    public static func crossing(_ a: (Decimal) -> Decimal, _ b: (Decimal) -> Decimal, breakpoints: [Decimal], limit: Decimal) -> Decimal? {
        var points = Set(breakpoints.filter { $0 > 0 && $0 < limit })
        points.insert(0); points.insert(limit)
        let xs = points.sorted()
        func d(_ x: Decimal) -> Decimal { a(x) - b(x) }
        var prevX = xs[0]
        var prevD = d(prevX)
        if prevD <= 0 { return 0 }
        for x in xs.dropFirst() {
            let dx = d(x)
            if dx <= 0 {
                // Linear between breakpoints: solve prevD + (dx - prevD) * t = 0.
                let t = prevD / (prevD - dx)
                return prevX + (x - prevX) * t
            }
            prevX = x; prevD = dx
        }
        return nil
    }

    /// The smallest whole usage `q` in `0...limit` with `f(q) >= target` (f non-decreasing).
    public static func usage(atLeast target: Decimal, limit: Decimal, _ f: (Decimal) -> Decimal) -> Decimal? {
        if f(0) >= target { return 0 }
        guard f(limit) >= target else { return nil }
        var lo: Decimal = 0, hi = limit
        while hi - lo > 1 {
            let mid = Money.floor((lo + hi) / 2)
            if f(mid) >= target { hi = mid } else { lo = mid }
        }
        return hi
    }
}
