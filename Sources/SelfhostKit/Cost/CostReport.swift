import Foundation

/// The result of `selfhost cost`, as stable JSON (snake_case keys, documented in docs/COST.md)
/// and as a table with footnotes for people.
public struct CostReport: Encodable, Sendable {
    public struct SourceRef: Encodable, Sendable, Hashable {
        public var footnote: Int
        public var title: String
        public var url: String
        public var seenIn: [String]
        public var asOf: [String]
    }

    public struct Option: Encodable, Sendable {
        public var provider: String
        public var providerName: String
        public var kind: String
        public var role: String?
        public var plan: String
        public var count: Int
        /// Null when the provider has no sourced compute price (the row is then a lower bound).
        @EncodedAsNull public var computeUsd: Cents?
        public var egressUsd: Cents
        public var hiddenUsd: Cents
        public var servicesUsd: Cents
        public var hidden: [HiddenLine]
        public var services: [HiddenLine]
        public var totalUsd: Cents
        /// The total in the display currency (`currency` at the top level).
        public var total: Cents
        public var lowerBound: Bool
        public var cheapest: Bool
        /// This total divided by the cheapest VPS (or self-hosted) total in the same comparison.
        public var ratioToCheapest: Decimal?
        /// SaaS rows: the usage priced, e.g. `12 seats`.
        public var usage: String?
        /// One-off setup fees (dedicated servers), in the display currency; not in `total`.
        public var setup: Cents? = nil
        public var billingUnit: String?
        public var billingUnitNote: String?
        /// Human-readable, e.g. `20 TB per server` (see the `_amount`/`_unit` fields for numbers).
        public var includedTransfer: String?
        /// Transfer included across all `count` servers, exact, in `includedTransferUnit`.
        public var includedTransferAmount: Decimal?
        public var includedTransferUnit: String?
        /// `pooled` (account-wide) or `per_server`.
        public var includedTransferScope: String?
        /// Human-readable, e.g. `9,213.23 GiB`.
        public var egressBilled: String?
        /// Billable egress after free and included transfer, exact, in `egressBilledUnit`.
        public var egressBilledAmount: Decimal?
        public var egressBilledUnit: String?
        public var notes: [String]
        public var sources: [SourceRef]
    }

    public struct BreakEvenPoint: Encodable, Sendable {
        /// `egress` (VPS vs cloud) or `usage` (SaaS vs self-hosting).
        public var kind: String
        public var cheaper: String
        public var than: String
        /// Egress bytes (kind egress) or usage units (kind usage) from which `cheaper` wins; nil if never within range.
        public var at: Decimal?
        public var unit: String
        public var always: Bool
        public var text: String
    }

    public struct FleetRow: Encodable, Sendable {
        public var provider: String
        public var fleetPlan: String
        public var fleetUsd: Cents
        public var boxPlan: String
        public var boxUsd: Cents
        /// Box total ÷ fleet total.
        public var boxToFleet: Decimal?
        /// A side misses a part (e.g. a price known to be below today's): its total is a lower bound.
        public var fleetLowerBound: Bool = false
        public var boxLowerBound: Bool = false
    }

    /// An app's share of the self-hosted servers by memory (`--app-shares`).
    public struct AppShare: Encodable, Sendable {
        public var app: String
        public var mib: Int
        public var usd: Cents
    }

    public struct SaaSSummary: Encodable, Sendable {
        public var apps: [AppBudget]
        public var appRamMb: Int
        /// The shared box the apps need, as render writes it (nil when no app shares a box).
        public var box: BoxMemory?
        /// Apps that install as a platform and take a server of their own.
        public var ownServers: [SelfhostBoxes.OwnServer] = []
        /// Human form of the box and own servers.
        public var boxNeedText: String = ""
        public var saasTotalUsd: Cents
        public var selfhostTotalUsd: Cents?
        /// SaaS total minus the cheapest self-hosted total.
        public var savingsUsd: Cents?
        public var saasLowerBound: Bool
        /// The cheapest self-hosted total misses a part (a lower bound).
        public var selfhostLowerBound: Bool = false
        /// How `savings_usd` bounds the real difference: `exact`, `at_least` (only the SaaS side
        /// is a lower bound), `at_most` (only the self-hosted side is) or `unknown` (both are).
        public var savingsBound: String? = nil
        /// Catalog apps that replace the `--saas` products, suggested when `--apps` is missing.
        public var suggestedApps: [String] = []
        /// Each app's share of the cheapest self-hosted total, only with `--app-shares`.
        public var appShares: [AppShare]? = nil
    }

    public struct ChartSeries: Encodable, Sendable {
        public var option: String
        /// A part of this option is unpriced somewhere on the chart: its totals are lower bounds.
        public var lowerBound: Bool
        /// Where the sourced egress prices end (bytes); points stop there. Nil: priced to the edge.
        public var egressPricedToBytes: Decimal?
        public var points: [ChartPoint]
    }
    public struct ChartPoint: Encodable, Sendable {
        public var egressBytes: Decimal
        public var totalUsd: Cents
    }

    public struct ExchangeRateInfo: Encodable, Sendable {
        public var usdPerEur: Decimal
        public var asOf: String
        public var source: String
    }

    /// A provider left out because none of its sourced plans meets the size asked for.
    public struct Unmatched: Encodable, Sendable {
        public var provider: String
        public var providerName: String
        /// `fleet`, `box` (with `--servers`), `selfhost` (with `--apps`), or absent (`--egress`).
        public var role: String?
        public var vcpu: Int
        public var ramGb: Decimal
        public var text: String
    }

    public struct Unpriced: Encodable, Sendable {
        public var id: String
        public var name: String
        public var notes: [String]
    }

    /// False when the question has no answer (no plan of the size asked for at any provider,
    /// nothing priced): the command then exits 1. `unanswered` says why.
    public var answered: Bool = true
    public var unanswered: [String] = []
    public var currency: String
    public var exchangeRate: ExchangeRateInfo?
    public var monthHours: Int = 730
    public var egressBytes: Decimal?
    public var egressInput: String?
    public var options: [Option]
    public var fleet: [FleetRow]?
    public var saas: SaaSSummary?
    public var breakEven: [BreakEvenPoint]
    public var chart: [ChartSeries]?
    public var unmatched: [Unmatched] = []
    public var unpriced: [Unpriced]
    public var assumptions: [String]
    public var warnings: [String]
    public var sources: [SourceRef]
}

/// An optional that encodes as an explicit JSON `null` when absent (synthesized `Encodable`
/// would leave the key out), for fields whose absence means "not priced", not "not applicable".
@propertyWrapper
public struct EncodedAsNull<Value: Encodable & Sendable>: Encodable, Sendable {
    public var wrappedValue: Value?
    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let wrappedValue { try c.encode(wrappedValue) } else { try c.encodeNil() }
    }
}
