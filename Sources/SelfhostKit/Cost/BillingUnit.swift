import Foundation

/// The unit a provider bills traffic in. `10TB` and `10TiB` differ by 10%, and providers
/// disagree: AWS's "GB" is 2^30 bytes, DigitalOcean says GiB, Hetzner counts TB.
public enum BillingUnit: String, Sendable, CaseIterable, Codable {
    case gb = "GB", gib = "GiB", tb = "TB", tib = "TiB"

    /// Bytes in one unit, exactly.
    public var bytes: Decimal {
        switch self {
        case .gb: return 1_000_000_000
        case .gib: return 1_073_741_824
        case .tb: return 1_000_000_000_000
        case .tib: return 1_099_511_627_776
        }
    }

    /// Converts a byte count into this unit, exactly.
    public func amount(of bytes: Decimal) -> Decimal { bytes / self.bytes }

    /// Parses `GB`, `GiB`, `TB`, `TiB` (case-sensitive on the `i`, as written by vendors).
    public init?(text: String) {
        switch text.trimmingCharacters(in: .whitespaces) {
        case "GB": self = .gb
        case "GiB": self = .gib
        case "TB": self = .tb
        case "TiB": self = .tib
        default: return nil
        }
    }
}

extension ByteSize {
    /// The size in `unit`, exactly (e.g. `10TiB` in GiB is 10240).
    public func amount(in unit: BillingUnit) -> Decimal { unit.amount(of: bytes) }

    /// A short human form in decimal TB/GB, e.g. `10 TB` or `10.995 TB`.
    public static func describe(bytes: Decimal) -> String {
        let tb = bytes / 1_000_000_000_000
        if tb >= 1 { return Money.plain(tb, scale: tb == Money.round(tb, scale: 0) ? 0 : 3) + " TB" }
        let gb = bytes / 1_000_000_000
        return Money.plain(gb, scale: gb == Money.round(gb, scale: 0) ? 0 : 1) + " GB"
    }
}
