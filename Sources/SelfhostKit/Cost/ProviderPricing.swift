import Foundation

/// What a pricing file describes.
public enum PricingKind: String, Sendable, Codable, CaseIterable {
    /// Hyperscaler: a VM plus metered, tiered egress.
    case cloud
    /// VPS provider: a plan with included transfer and a flat overage rate.
    case vps
    /// A SaaS product with a plan table.
    case saas
    /// A usage-based service a self-hosted box uses (e.g. Amazon SES for email).
    case service
}

/// Whether included transfer is shared across the account or stays with each server.
public enum AllowanceScope: String, Sendable, Codable {
    case account, perServer = "per_server"
}

/// One compute plan (VM size or VPS plan).
public struct ComputePlan: Sendable, Hashable {
    public var id: String
    public var name: String
    public var vcpu: Int
    /// Memory as the vendor writes it (e.g. 8 for "8 GB"), in `ramUnit`.
    public var ram: Decimal
    public var ramUnit: String
    public var diskGB: Int?
    public var price: MonthlyPrice
    /// Transfer included per month with this plan, in `includedUnit`.
    public var included: Figure?
    public var includedUnit: BillingUnit?
    public var notes: [String]
    /// A one-off setup fee per server (dedicated servers), in the file's currency.
    public var setup: Figure? = nil
    /// Why the sourced price is known to be below today's (a later increase with no table
    /// found): the row is then a lower bound.
    public var priceFloor: String? = nil

    /// RAM in MB (10^6 bytes), as the catalog's app figures are written.
    public var ramMB: Decimal {
        ramUnit == "GiB" ? ram * 1073.741824 : ram * 1000
    }
}

/// Egress (internet data transfer out) rules for a provider.
public struct EgressPricing: Sendable, Hashable {
    public var unit: BillingUnit
    /// How the provider writes its unit, when that differs (AWS writes "GB" for 2^30 bytes).
    public var unitNote: String?
    public var scope: AllowanceScope
    /// Free allowance per account (AWS 100 GB, Vultr 2 TB), in `unit`.
    public var free: Figure?
    public var rate: TieredRate
    /// Alternative dated price sets (e.g. AWS's pre-December-2021 1 GB free allowance).
    public var priceSets: [PriceSet]
    public var notes: [String]

    public struct PriceSet: Sendable, Hashable {
        public var id: String
        public var description: String
        public var free: Figure?
        public var tiers: [Tier]?
    }

    /// The rules with a named price set applied.
    public func applying(priceSet id: String?) -> EgressPricing? {
        guard let id else { return self }
        guard let set = priceSets.first(where: { $0.id == id }) else { return nil }
        var copy = self
        if let f = set.free { copy.free = f; copy.rate.free = f.value }
        if let t = set.tiers { copy.rate.tiers = t }
        return copy
    }
}

/// A hidden-cost rate a provider publishes.
public struct ExtraCharge: Sendable, Hashable {
    public enum Basis: Sendable, Hashable {
        /// A fixed price per server per month (public IPv4).
        case perServer(MonthlyPrice)
        /// A percentage of the server price (DigitalOcean weekly backups: 20%).
        case percentOfCompute(Figure)
    }
    public var basis: Basis
    public var note: String?
}

/// A cloud or VPS provider's price list.
public struct ProviderPricing: Sendable, Hashable {
    public var id: String
    public var name: String
    public var kind: PricingKind
    public var currency: String
    public var region: String?
    public var plans: [ComputePlan]
    public var egress: EgressPricing
    public var publicIPv4: ExtraCharge?
    public var backups: ExtraCharge?
    public var notes: [String]
    public var file: String
    /// The request-billed front a cloud setup adds (AWS Application Load Balancer), when sourced.
    public var loadBalancer: LoadBalancerPricing? = nil
}

/// A load balancer billed per hour plus capacity units (AWS ALB: an LCU-hour is the largest of
/// new connections, active connections, processed bytes and rule evaluations in that hour).
public struct LoadBalancerPricing: Sendable, Hashable {
    public var name: String
    public var hour: Figure
    public var capacityUnitHour: Figure
    /// Processed bytes one capacity unit covers per hour (GB).
    public var unitGBPerHour: Figure
    /// New connections per second one capacity unit covers.
    public var unitNewConnectionsPerSecond: Figure

    /// Monthly cost for `requests` a month and `bytes` processed, spread evenly over 730 hours,
    /// counting every request as a new connection (the most a request can add on that dimension).
    public func monthly(requests: Decimal, bytes: Decimal) -> (usd: Decimal, units: Decimal, byBytes: Bool) {
        let hours = CostConstants.hoursPerMonth
        // Capacity-unit-hours over the month, computed without dividing by the hours first
        // (exact): GB ÷ GB-per-unit-hour, and requests ÷ 3,600 ÷ connections-per-unit-second.
        let byBytes = bytes / 1_000_000_000 / unitGBPerHour.value
        let byConnections = requests / 3600 / unitNewConnectionsPerSecond.value
        let unitHours = max(byBytes, byConnections)
        return (hours * hour.value + unitHours * capacityUnitHour.value, unitHours / hours, byBytes >= byConnections)
    }
}
