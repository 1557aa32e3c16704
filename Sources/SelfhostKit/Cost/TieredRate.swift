import Foundation

/// One band of a tiered price: `price` per unit for usage up to `upTo` (cumulative, in the
/// same unit; nil = no upper bound).
public struct Tier: Sendable, Hashable {
    public var upTo: Decimal?
    public var price: Figure
}

/// A free allowance followed by tiered per-unit prices, computed exactly.
///
/// Tiers apply to the billable amount *after* the free allowance, as AWS bills ("first 10 TB
/// beyond the free tier"). Usage above the last bounded tier has no sourced price: it is
/// reported as `unpriced` rather than guessed.
public struct TieredRate: Sendable, Hashable {
    public var free: Decimal
    public var tiers: [Tier]
    /// Price quoted per this many units (1 for per-GB; 1000 for SES's per-1,000 emails).
    public var per: Decimal = 1

    public struct Result: Sendable, Hashable {
        public var cost: Decimal
        public var billable: Decimal
        /// Units above the last bounded tier, left unpriced (the cost is then a lower bound).
        public var unpriced: Decimal
        /// The figures that contributed (for footnotes).
        public var figures: [Figure]
    }

    /// Cost of `usage` units (already net of any plan allowance).
    public func cost(_ usage: Decimal) -> Result {
        let billable = max(0, usage - free)
        var remaining = billable
        var lower: Decimal = 0
        var total: Decimal = 0
        var used: [Figure] = []
        for tier in tiers {
            guard remaining > 0 else { break }
            let width = tier.upTo.map { max(0, $0 - lower) }
            let take = width.map { min($0, remaining) } ?? remaining
            if take > 0 {
                total += take * tier.price.value / per
                used.append(tier.price)
            }
            remaining -= take
            if let up = tier.upTo { lower = up } else { remaining = 0 }
        }
        return Result(cost: total, billable: billable, unpriced: max(0, remaining), figures: used)
    }

    /// Boundaries (in units of usage, before the free allowance) where the marginal price changes.
    public var breakpoints: [Decimal] {
        var points: [Decimal] = [free]
        for t in tiers { if let u = t.upTo { points.append(free + u) } }
        return points
    }
}
