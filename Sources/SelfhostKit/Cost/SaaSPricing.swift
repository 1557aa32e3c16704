import Foundation

/// A SaaS product's (or usage-based service's) price table and how usage turns into a bill.
public struct SaaSPricing: Sendable, Hashable {
    public enum Model: Sendable, Hashable {
        /// A price per unit (seats, dynos); several unit kinds may exist (Heroku's dyno types).
        case perUnit([UnitPrice])
        /// A ladder of plans: the cheapest plan whose limit covers the usage.
        case planTiers([PlanTier])
        /// Metered usage: free allowance then tiered per-unit prices.
        case metered(TieredRate)
        /// No sourced price table: only the bill the user states (`NAME=@AMOUNT`) prices it.
        case statedOnly
    }

    public struct UnitPrice: Sendable, Hashable {
        public var id: String
        public var aliases: [String]
        public var price: Figure
    }

    public struct PlanTier: Sendable, Hashable {
        public var name: String
        public var upTo: Decimal
        public var price: Figure
    }

    public var id: String
    public var name: String
    public var kind: PricingKind
    public var currency: String
    /// The usage metric, e.g. `contacts`, `seats`, `pageviews`, `emails`.
    public var unit: String
    public var aliases: [String]
    public var model: Model
    /// Catalog app ids that replace it when self-hosted.
    public var selfHostApps: [String]
    public var notes: [String]
    public var file: String

    /// Every name a user may type after the number (`50000contacts`, `12seats`, `4standard-2x`).
    public var acceptedUnits: [String] {
        var all = [unit] + aliases
        if case .perUnit(let units) = model { for u in units { all.append(u.id); all += u.aliases } }
        var seen = Set<String>()
        return all.filter { seen.insert($0.lowercased()).inserted }
    }

    /// A product known only by the bill the user states (`zendesk=@345`): no price table.
    public static func statedOnly(id: String, name: String, selfHostApps: [String]) -> SaaSPricing {
        SaaSPricing(id: id, name: name, kind: .saas, currency: "USD", unit: "bill", aliases: [], model: .statedOnly,
                    selfHostApps: selfHostApps, notes: [], file: "")
    }

    public var hasPriceTable: Bool { if case .statedOnly = model { return false } else { return true } }

    /// The largest usage the sourced table prices (for break-even searches).
    public var pricedLimit: Decimal {
        switch model {
        case .perUnit: return 1_000_000_000_000
        case .statedOnly: return 0
        case .planTiers(let plans): return plans.map(\.upTo).max() ?? 0
        case .metered(let rate):
            if rate.tiers.last?.upTo == nil { return 1_000_000_000_000_000 }
            return rate.free + (rate.tiers.last?.upTo ?? 0)
        }
    }

    /// The monthly bill for `quantity` of `unitName`.
    public func bill(quantity: Decimal, unitName: String? = nil) -> Bill {
        switch model {
        case .statedOnly:
            return Bill(amount: 0, plan: "your bill", lowerBound: true, figures: [], note: "no sourced price table for \(name)")
        case .perUnit(let units):
            let wanted = unitName?.lowercased()
            let u = units.first { w in
                guard let wanted else { return false }
                return w.id.lowercased() == wanted || w.aliases.map { $0.lowercased() }.contains(wanted)
            } ?? units[0]
            return Bill(amount: quantity * u.price.value, plan: "\(Money.exact(quantity)) × \(u.id) at \(Money.format(u.price.value, currency: currency))", lowerBound: false, figures: [u.price], note: u.price.note)
        case .planTiers(let plans):
            if let p = plans.sorted(by: { $0.upTo < $1.upTo }).first(where: { $0.upTo >= quantity }) {
                return Bill(amount: p.price.value, plan: p.name, lowerBound: false, figures: [p.price], note: p.price.note)
            }
            let top = plans.max(by: { $0.upTo < $1.upTo })!
            return Bill(amount: top.price.value, plan: "above \(top.name)", lowerBound: true, figures: [top.price],
                        note: "no sourced plan covers \(Money.plain(quantity, scale: 0)) \(unit); the largest sourced plan (\(Money.plain(top.upTo, scale: 0)) \(unit)) is shown as a lower bound")
        case .metered(let rate):
            let r = rate.cost(quantity)
            return Bill(amount: r.cost, plan: "metered", lowerBound: r.unpriced > 0, figures: r.figures,
                        note: r.unpriced > 0 ? "\(Money.plain(r.unpriced, scale: 0)) \(unit) above the last sourced tier are not priced" : nil)
        }
    }

    public struct Bill: Sendable, Hashable {
        public var amount: Decimal
        public var plan: String
        /// True when usage exceeds the sourced price table, so the real bill is higher.
        public var lowerBound: Bool
        public var figures: [Figure]
        public var note: String?
    }
}

/// The EUR/USD reference rate used for `--currency EUR` and for EUR-priced providers.
public struct ExchangeRate: Sendable, Hashable {
    /// US dollars per euro.
    public var usdPerEUR: Figure
}
