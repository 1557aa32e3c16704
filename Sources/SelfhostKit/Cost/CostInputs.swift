import Foundation

/// A server size written `4vcpu-8gb`, optionally with a count: `8x2vcpu-4gb`.
public struct ServerSpec: Sendable, Hashable, CustomStringConvertible {
    public var count: Int
    public var vcpu: Int
    /// Memory in GB as written (plans match on the vendor's nominal number).
    public var ramGB: Decimal

    public static let acceptedForms = "[COUNTx]Nvcpu-Mgb, e.g. 4vcpu-8gb or 8x2vcpu-4gb"

    public init(count: Int = 1, vcpu: Int, ramGB: Decimal) {
        self.count = count; self.vcpu = vcpu; self.ramGB = ramGB
    }

    public init(parsing text: String, flag: String) throws {
        let bad = SelfhostError.usage("invalid \(flag) '\(text)'", remedy: "use " + Self.acceptedForms)
        var s = Substring(text.lowercased().trimmingCharacters(in: .whitespaces))
        var count = 1
        if let x = s.firstIndex(of: "x"), s[s.startIndex..<x].allSatisfy(\.isNumber), x > s.startIndex {
            guard let c = Int(s[s.startIndex..<x]), c > 0, c <= InputBudget.maxServerCount else { throw bad }
            count = c
            s = s[s.index(after: x)...]
        }
        let parts = s.split(separator: "-")
        guard parts.count == 2, parts[0].hasSuffix("vcpu"), parts[1].hasSuffix("gb") else { throw bad }
        guard let v = Int(parts[0].dropLast(4)), v > 0, v <= InputBudget.maxServerSize,
              let r = Money.parse(String(parts[1].dropLast(2))), r > 0, r <= Decimal(InputBudget.maxServerSize) else { throw bad }
        self.init(count: count, vcpu: v, ramGB: r)
    }

    public var description: String {
        (count > 1 ? "\(count)x" : "") + "\(vcpu)vcpu-\(Money.exact(ramGB))gb"
    }

    func fits(_ plan: ComputePlan) -> Bool { plan.vcpu >= vcpu && plan.ram >= ramGB }
}

/// One `--saas` item: `mailchimp=50000contacts`, `plausible=1Mpageviews`, `slack=12seats`,
/// optionally with your actual bill: `mailchimp=50000contacts@350`.
public struct SaaSUsage: Sendable, Hashable {
    public var product: SaaSPricing
    public var quantity: Decimal
    public var unitName: String
    /// The monthly bill the user says they pay, when given (`@350`).
    public var statedBill: Decimal?
    public var original: String

    /// Largest usage number or stated bill (before k/M/B): 10^12.
    static let maxAmount: Decimal = 1_000_000_000_000

    public static let acceptedForms = "NAME=NUMBERunit[@monthly-bill], e.g. mailchimp=50000contacts, plausible=1Mpageviews, slack=12seats (k, M, B multiply by 10^3, 10^6, 10^9)"

    public init(parsing text: String, catalog: PricingCatalog) throws {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let saasIDs = catalog.saas.map(\.id)
        guard parts.count == 2, !parts[0].isEmpty else {
            throw SelfhostError.usage("invalid --saas item '\(text)'", remedy: "use \(Self.acceptedForms); known: \(saasIDs.joined(separator: ", "))")
        }
        let name = parts[0].lowercased()
        guard let product = catalog.saas.first(where: { $0.id == name }) else {
            let unsourced = catalog.unsourced.first { $0.id == name }
            if let unsourced {
                throw SelfhostError.usage("\(unsourced.name) has no sourced prices", remedy: unsourced.notes.joined(separator: " ") + " Priced SaaS: \(saasIDs.joined(separator: ", "))")
            }
            let hint = Suggestions.didYouMean(name, in: saasIDs).map { $0 + " " } ?? ""
            throw SelfhostError.usage("unknown SaaS '\(parts[0])'", remedy: "\(hint)accepted: \(saasIDs.joined(separator: ", "))")
        }
        var rest = parts[1]
        var stated: Decimal?
        if let at = rest.firstIndex(of: "@") {
            let billText = String(rest[rest.index(after: at)...]).replacingOccurrences(of: "$", with: "")
            guard let b = Money.parse(billText), b >= 0, b <= Self.maxAmount else {
                throw SelfhostError.usage("invalid monthly bill in '\(text)'", remedy: "write it as a non-negative number, e.g. \(name)=50000contacts@350")
            }
            stated = b
            rest = String(rest[..<at])
        }
        let (q, unit) = try Self.parseQuantity(rest, product: product, original: text)
        self.product = product
        self.quantity = q
        self.unitName = unit
        self.statedBill = stated
        self.original = text
    }

    static func parseQuantity(_ text: String, product: SaaSPricing, original: String) throws -> (Decimal, String) {
        let accepted = product.acceptedUnits
        let remedy = "write \(product.id)=NUMBERunit with unit one of: \(accepted.joined(separator: ", ")); k, M, B multiply by 10^3, 10^6, 10^9 (e.g. \(product.id)=1M\(product.unit))"
        if text.hasPrefix("-") {
            throw SelfhostError.usage("negative usage in '\(original)'", remedy: remedy)
        }
        let number = text.prefix { $0.isNumber || $0 == "." }
        var unit = String(text.dropFirst(number.count))
        guard var q = Money.parse(String(number)) else {
            if number.count > 30 { throw SelfhostError.usage("usage in '\(original)' is too large", remedy: "use a number up to 10^12 (before k, M, B)") }
            throw SelfhostError.usage("missing number in '\(original)'", remedy: remedy)
        }
        guard q <= maxAmount else {
            throw SelfhostError.usage("usage in '\(original)' is too large", remedy: "use a number up to 10^12 (before k, M, B)")
        }
        func matches(_ u: String) -> String? { accepted.first { $0.lowercased() == u.lowercased() } }
        if let m = matches(unit) {
            return (q, m)
        }
        if let first = unit.first, "kKmMbB".contains(first), let m = matches(String(unit.dropFirst())) {
            switch first {
            case "k", "K": q *= 1000
            case "m", "M": q *= 1_000_000
            default: q *= 1_000_000_000
            }
            unit = m
            return (q, m)
        }
        if unit.isEmpty { return (q, product.unit) }
        throw SelfhostError.usage("unknown unit '\(unit)' in '\(original)'", remedy: remedy)
    }
}

/// Parses a non-negative decimal flag value (`--admin-hours 4`, `--hourly-rate 80`).
func parseAmount(_ text: String, flag: String) throws -> Decimal {
    try refuseOptionAsValue(text, flag: flag, example: "4")
    guard let d = Money.parse(text) else {
        throw SelfhostError.usage("\(flag) '\(text)' is not a number", remedy: "use a non-negative decimal number, e.g. \(flag) 4")
    }
    guard d >= 0 else { throw SelfhostError.usage("\(flag) must not be negative (got \(text))", remedy: "use a non-negative decimal number") }
    guard d <= 1_000_000_000_000 else { throw SelfhostError.usage("\(flag) \(text) is too large", remedy: "use a number up to 10^12") }
    return d
}

/// The CLI takes the word after `--egress` (and the other numeric flags) as its value even when
/// it starts with `-`, so that `-5TB` reaches the negative check; a following option
/// (`--egress --format json`) then arrives here and means the value was left out.
func refuseOptionAsValue(_ text: String, flag: String, example: String) throws {
    let t = text.trimmingCharacters(in: .whitespaces)
    guard t.hasPrefix("-"), let second = t.dropFirst().first, second == "-" || second.isLetter else { return }
    throw SelfhostError.usage("\(flag) is missing its value (got the option '\(t)')", remedy: "give it a value first, e.g. \(flag) \(example)" + (flag == "--egress" || flag == "--chart-max" ? "; accepted: " + ByteSize.acceptedForms : ""))
}

/// Parses an egress size, rejecting negatives with the accepted forms.
func parseEgress(_ text: String, flag: String = "--egress") throws -> ByteSize {
    try refuseOptionAsValue(text, flag: flag, example: "10TB")
    if text.trimmingCharacters(in: .whitespaces).hasPrefix("-") {
        throw SelfhostError.usage("\(flag) must not be negative (got \(text))", remedy: "use " + ByteSize.acceptedForms)
    }
    let t = text.trimmingCharacters(in: .whitespaces)
    let number = t.prefix { $0.isNumber || $0 == "." }
    let unit = t.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
    let known = ["B", "kB", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB", "GiB", "TiB", "PiB"]
    if !number.isEmpty, !unit.isEmpty, !known.contains(where: { $0.lowercased() == unit.lowercased() }) {
        throw SelfhostError.usage("invalid \(flag) size '\(text)': unknown unit '\(unit)'", remedy: "use " + ByteSize.acceptedForms)
    }
    let size = try ByteSize(parsing: text, what: "\(flag) size")
    // Above this, exact decimal arithmetic (38 digits) and every price list run out; refuse it
    // rather than print digits that mean nothing.
    guard size.bytes <= maxEgressBytes else {
        throw SelfhostError.usage("\(flag) \(text) is more than 1 EB (10^18 bytes) a month", remedy: "give a monthly size up to 1000PB, e.g. \(flag) 10TB")
    }
    return size
}

/// The largest size `--egress` and `--chart-max` accept: 1 EB (10^18 bytes).
let maxEgressBytes: Decimal = 1_000_000_000_000_000_000
