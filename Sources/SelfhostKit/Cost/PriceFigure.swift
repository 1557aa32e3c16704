import Foundation

/// Where a price comes from: the vendor's page (`url`), and, when the figure was read in a
/// stored copy or a third-party page rather than the vendor's own, where (`seenIn`).
public struct PriceSource: Sendable, Hashable, Encodable {
    public var id: String
    public var url: String
    public var title: String
    public var seenIn: [String]
    /// The day someone last checked the figure against `url` or `seenIn`.
    public var checked: Date?
}

/// One sourced number: its value, the date it was valid (`asOf`), and its source.
public struct Figure: Sendable, Hashable {
    public var value: Decimal
    public var asOf: Date
    public var source: PriceSource
    public var note: String?
    /// Where in the data file it was written (for errors and the loader test).
    public var location: SourceLocation
}

/// A price per month, written in the data either as `monthly` or as `hourly` (× 730 hours).
public struct MonthlyPrice: Sendable, Hashable {
    public var figure: Figure
    public var isHourly: Bool

    /// The monthly amount, exactly: hourly × 730 when given per hour.
    public var monthly: Decimal { isHourly ? figure.value * CostConstants.hoursPerMonth : figure.value }
}

public enum CostConstants {
    /// A month is 730 hours (8,760 / 12), the convention AWS, GCP and Azure use.
    public static let hoursPerMonth: Decimal = 730
    /// Prices older than this many months draw a staleness warning.
    public static let staleAfterMonths = 12
}

extension Figure {
    /// `YYYY-MM-DD` in UTC.
    public static func day(_ date: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    public var asOfText: String { Figure.day(asOf) }

    /// True when `asOf` is more than 12 months before `now`.
    public func isStale(now: Date) -> Bool {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        guard let limit = cal.date(byAdding: .month, value: -CostConstants.staleAfterMonths, to: now) else { return false }
        return asOf < limit
    }
}
