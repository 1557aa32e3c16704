import Foundation

/// Exact money arithmetic on `Decimal` (never `Double`): parsing from data, rounding to cents
/// only when shown, and formatting like `$1,234.56`.
public enum Money {
    static let posix = Locale(identifier: "en_US_POSIX")

    /// Parses a plain decimal such as `0.0000343` or `12` exactly; nil for anything else.
    public static func parse(_ text: String) -> Decimal? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        var body = Substring(t)
        if body.first == "-" { body = body.dropFirst() }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              body.filter({ $0 == "." }).count <= 1, body.first != ".", body.last != "."
        else { return nil }
        // 300 digits overflow Decimal to NaN, which compares false with everything: refuse it here.
        guard let d = Decimal(string: t, locale: posix), !d.isNaN else { return nil }
        return d
    }

    /// Rounds half away from zero to `scale` decimal places (cents by default).
    public static func round(_ value: Decimal, scale: Int = 2) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .plain)
        return result
    }

    /// Rounds up (toward +infinity) to a whole number.
    public static func ceil(_ value: Decimal) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, 0, .up)
        return result
    }

    /// Rounds down to a whole number.
    public static func floor(_ value: Decimal) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, 0, .down)
        return result
    }

    /// `value` as text with exactly `scale` decimals and thousands separators, e.g. `1,234.50`.
    public static func plain(_ value: Decimal, scale: Int = 2, grouping: Bool = true) -> String {
        let rounded = round(value, scale: scale)
        let negative = rounded < 0
        let magnitude = negative ? -rounded : rounded
        var text = NSDecimalNumber(decimal: magnitude).stringValue
        if text.contains("e") || text.contains("E") { text = "\(magnitude)" }
        var parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var intPart = parts[0]
        var frac = parts.count > 1 ? parts[1] : ""
        if scale > 0 {
            while frac.count < scale { frac += "0" }
            frac = String(frac.prefix(scale))
        } else {
            frac = ""
        }
        if grouping && intPart.count > 3 {
            var grouped = ""
            for (i, ch) in intPart.reversed().enumerated() {
                if i > 0 && i % 3 == 0 { grouped.append(",") }
                grouped.append(ch)
            }
            intPart = String(grouped.reversed())
        }
        parts = [intPart] + (scale > 0 ? [frac] : [])
        return (negative ? "-" : "") + parts.joined(separator: ".")
    }

    /// `$1,234.56` or `€1,234.56`.
    public static func format(_ value: Decimal, currency: String, scale: Int = 2) -> String {
        let symbol: String
        switch currency {
        case "USD": symbol = "$"
        case "EUR": symbol = "€"
        default: symbol = currency + " "
        }
        if value < 0 { return "-" + symbol + plain(-value, scale: scale) }
        return symbol + plain(value, scale: scale)
    }

    /// A decimal number without trailing zeros, e.g. `0.0000343`, `8.75`, `10240`.
    public static func exact(_ value: Decimal) -> String {
        NSDecimalNumber(decimal: value).stringValue
    }

    /// Integer power of a decimal (exact).
    static func pow10(_ n: Int) -> Decimal {
        var d = Decimal(1)
        for _ in 0..<n { d *= 10 }
        return d
    }
}

/// A money amount that keeps its exact value and encodes to JSON as a number rounded to cents
/// (no binary float digits). Convert or add `exact`, never `value`: rounding twice (for
/// example cent-rounded USD converted to EUR) can drift a cent.
public struct Cents: Encodable, Sendable, Equatable {
    /// The amount before any rounding.
    public let exact: Decimal
    /// The amount as shown and encoded: `exact` rounded to cents, or the share `Money.allocate`
    /// gave it so that a row's parts add up to its rounded total.
    public let value: Decimal
    public init(_ value: Decimal) { self.exact = value; self.value = Money.round(value) }
    /// An amount shown as `shown` (already cent-rounded by `Money.allocate`).
    public init(exact: Decimal, shown: Decimal) { self.exact = exact; self.value = shown }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

extension Money {
    /// Rounds `parts` to `scale` decimals so that they add up exactly to `total` (by default the
    /// rounded sum of the parts): each part is rounded, then the cents still missing (or extra)
    /// go to the parts that rounding moved furthest (largest remainder). A table whose columns
    /// are rounded this way adds up on every row and agrees with a total rounded once.
    public static func allocate(_ parts: [Decimal], to total: Decimal? = nil, scale: Int = 2) -> [Decimal] {
        guard !parts.isEmpty else { return [] }
        let target = round(total ?? parts.reduce(0, +), scale: scale)
        var shown = parts.map { round($0, scale: scale) }
        let step = 1 / pow10(scale)
        var diff = target - shown.reduce(0, +)
        guard diff != 0 else { return shown }
        // Remainders: positive where rounding went down (those parts can take a cent first).
        let order = parts.indices.sorted { a, b in
            let ra = parts[a] - shown[a], rb = parts[b] - shown[b]
            return diff > 0 ? (ra == rb ? a < b : ra > rb) : (ra == rb ? a < b : ra < rb)
        }
        var i = 0
        while diff != 0 {
            let idx = order[i % order.count]
            if diff > 0 { shown[idx] += step; diff -= step } else { shown[idx] -= step; diff += step }
            i += 1
        }
        return shown
    }
}

extension YAMLNode {
    /// A price or quantity, read from its text so money stays exact.
    func decimal(_ what: String) throws -> Decimal {
        guard !isNull, let s = string, let d = Money.parse(s) else {
            throw fail(YAMLMessage.mustBe(what, "a plain decimal number (e.g. 0.09)") + ", got '\(string ?? "a non-scalar")'")
        }
        return d
    }

    func nonNegative(_ what: String) throws -> Decimal {
        let d = try decimal(what)
        guard d >= 0 else { throw fail("'\(what)' must not be negative") }
        return d
    }
}
