import Foundation

/// A quantity of bytes parsed exactly from text such as `10TB`, `10TiB`, `512MB` or `1.5GB`.
/// Decimal units (kB, MB, GB, TB, PB) are powers of 1000; binary ones (KiB … PiB) powers of 1024.
public struct ByteSize: Sendable, Hashable, CustomStringConvertible {
    /// Exact byte count (may be fractional only if the input was, e.g. `0.5B`).
    public let bytes: Decimal
    /// The text as given.
    public let original: String
    /// Whether the unit given was a binary (IEC) one.
    public let isBinary: Bool

    public static let acceptedForms =
        "a number followed by B, kB, MB, GB, TB, PB (powers of 1000) or KiB, MiB, GiB, TiB, PiB (powers of 1024), e.g. 10TB, 10TiB, 512MB"

    private static let units: [(String, Decimal, Bool)] = [
        ("pib", pow(1024, 5), true), ("tib", pow(1024, 4), true), ("gib", pow(1024, 3), true),
        ("mib", pow(1024, 2), true), ("kib", 1024, true),
        ("pb", pow(1000, 5), false), ("tb", pow(1000, 4), false), ("gb", pow(1000, 3), false),
        ("mb", pow(1000, 2), false), ("kb", 1000, false), ("b", 1, false),
    ]

    public init(bytes: Decimal, original: String = "", isBinary: Bool = false) {
        self.bytes = bytes
        self.original = original
        self.isBinary = isBinary
    }

    /// Parses `text`; throws a usage error naming the accepted forms.
    public init(parsing text: String, what: String = "size") throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        guard let (suffix, factor, binary) = Self.units.first(where: { lower.hasSuffix($0.0) }) else {
            throw SelfhostError.usage("invalid \(what) '\(text)': missing or unknown unit", remedy: "use " + Self.acceptedForms)
        }
        let number = String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
        if let last = number.last, last.isLetter {
            // "2XB": the unit is what follows the digits, and it isn't one we know.
            let unit = String(trimmed.drop { $0.isNumber || $0 == "." || $0 == " " })
            throw SelfhostError.usage("invalid \(what) '\(text)': unknown unit '\(unit)'", remedy: "use " + Self.acceptedForms)
        }
        guard !number.isEmpty,
              number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              number.filter({ $0 == "." }).count <= 1,
              let value = Decimal(string: number, locale: Locale(identifier: "en_US_POSIX"))
        else {
            throw SelfhostError.usage("invalid \(what) '\(text)': '\(number)' is not a non-negative number", remedy: "use " + Self.acceptedForms)
        }
        self.bytes = value * factor
        self.original = trimmed
        self.isBinary = binary
    }

    /// Bytes in a unit of `factor` bytes, exactly (e.g. GB: 1e9, GiB: 1_073_741_824).
    public func amount(inUnitOf factor: Decimal) -> Decimal { bytes / factor }

    /// Megabytes (10^6) as used for the catalog's RAM figures.
    public var megabytes: Decimal { bytes / 1_000_000 }

    public var description: String { original.isEmpty ? "\(bytes) B" : original }
}
