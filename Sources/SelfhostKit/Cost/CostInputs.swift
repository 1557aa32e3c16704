import Foundation

/// A server size written `4vcpu-8gb`, optionally with a count: `8x2vcpu-4gb`.
public struct ServerSpec: Sendable, Hashable, CustomStringConvertible {
    public var count: Int
    public var vcpu: Int
    /// Memory in GB as written (plans match on the vendor's nominal number).
    public var ramGB: Decimal
    /// Memory a box must hold, in MB (10^6 bytes), compared with the plan's real size: set from
    /// what the apps need (`BoxMemory`), so 8 GiB never passes for 8.2 GB.
    public var minRAMMB: Decimal? = nil

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
            + (minRAMMB.map { " holding ≥ \(Money.plain($0 / 1073.741824, scale: 1)) GiB" } ?? "")
    }

    func fits(_ plan: ComputePlan) -> Bool {
        plan.vcpu >= vcpu && plan.ram >= ramGB && (minRAMMB.map { plan.ramMB >= $0 } ?? true)
    }
}

/// One `--saas` item: `mailchimp=50000contacts`, `plausible=1Mpageviews`, `slack=12seats`,
/// optionally with your actual bill: `mailchimp=50000contacts@350`, or only the bill, for any
/// product: `zendesk=@345` (monthly, in the `--currency`).
public struct SaaSUsage: Sendable, Hashable {
    public var product: SaaSPricing
    public var quantity: Decimal
    public var unitName: String
    /// The monthly bill the user says they pay, when given (`@350`), in the display currency.
    public var statedBill: Decimal?
    /// False for `NAME=@AMOUNT` (no usage given).
    public var hasUsage: Bool = true
    public var original: String

    /// Largest usage number or stated bill (before k/M/B): 10^12.
    static let maxAmount: Decimal = 1_000_000_000_000

    public static let acceptedForms = "NAME=NUMBERunit[@monthly-bill] or NAME=@monthly-bill, e.g. mailchimp=50000contacts, plausible=1Mpageviews, slack=12seats, zendesk=@345 (k, M, B multiply by 10^3, 10^6, 10^9)"

    /// `saasCatalog` (the catalog's SaaS entries) resolves aliases as `recommend` does (`ga` is
    /// Google Analytics) and names the apps that replace a product without a price table.
    public init(parsing text: String, catalog: PricingCatalog, saasCatalog: Catalog? = nil) throws {
        let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let saasIDs = catalog.saas.filter { $0.kind == .saas }.map(\.id)
        guard parts.count == 2, !parts[0].trimmingCharacters(in: .whitespaces).isEmpty else {
            throw SelfhostError.usage("invalid --saas item '\(text)'", remedy: "use \(Self.acceptedForms); priced: \(saasIDs.joined(separator: ", "))")
        }
        let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
        var rest = parts[1].trimmingCharacters(in: .whitespaces)
        var stated: Decimal?
        if let at = rest.firstIndex(of: "@") {
            let billText = String(rest[rest.index(after: at)...]).replacingOccurrences(of: "$", with: "").replacingOccurrences(of: "€", with: "")
            guard let b = Money.parse(billText), b >= 0, b <= Self.maxAmount else {
                throw SelfhostError.usage("invalid monthly bill in '\(text)'", remedy: "write it as a non-negative number after @, e.g. \(name)=@345 or \(name)=50000contacts@350")
            }
            stated = b
            rest = String(rest[..<at]).trimmingCharacters(in: .whitespaces)
        }
        // The catalog's SaaS entry (aliases as in `recommend`), then a price table by its id.
        let entry = saasCatalog?.findSaaS(name)
        let product = catalog.saas.first { $0.id == name } ?? entry.flatMap { e in catalog.saas.first { $0.id == e.id } }
        let displayName = entry?.name ?? product?.name ?? parts[0].trimmingCharacters(in: .whitespaces)
        let replacing = entry?.alternatives.map(\.app) ?? []
        if let product, !rest.isEmpty || stated == nil {
            guard !rest.isEmpty else {
                throw SelfhostError.usage("'\(text)' gives no usage", remedy: "write \(product.id)=NUMBERunit (units: \(product.acceptedUnits.joined(separator: ", "))) or your monthly bill: \(product.id)=@AMOUNT")
            }
            let (q, unit) = try Self.parseQuantity(rest, product: product, original: text)
            self.product = product
            self.quantity = q
            self.unitName = unit
            self.statedBill = stated
            self.original = text
            return
        }
        if let stated {
            guard rest.isEmpty || product != nil else {
                throw SelfhostError.usage("\(displayName) has no sourced price table, so '\(rest)' cannot be priced", remedy: "give only your monthly bill: \(name)=@\(Money.plain(stated, scale: stated == Money.round(stated, scale: 0) ? 0 : 2))")
            }
            let id = entry?.id ?? name
            self.product = product ?? .statedOnly(id: id, name: displayName, selfHostApps: replacing)
            self.quantity = 0
            self.unitName = "bill"
            self.statedBill = stated
            self.hasUsage = false
            self.original = text
            return
        }
        // A pricing file that says why nothing is priced (Typeform, GA 360 sold by quote) explains
        // itself; any other catalog entry names the fix.
        if let unsourced = catalog.unsourced.first(where: { $0.id == name || $0.id == entry?.id }) {
            let notes = unsourced.notes.joined(separator: " ")
            let fix = notes.contains("=@AMOUNT") ? "" : " Give your monthly bill instead: \(name)=@AMOUNT"
            throw SelfhostError.usage("\(unsourced.name) has no sourced prices", remedy: notes + fix)
        }
        if let entry {
            throw SelfhostError.usage("\(entry.name) has no sourced price table", remedy: "give your monthly bill instead: \(name)=@AMOUNT (e.g. \(name)=@345, in the --currency); priced: \(saasIDs.joined(separator: ", "))")
        }
        let known = saasIDs + (saasCatalog?.saasNamesForSuggestions ?? [])
        let hint = Suggestions.didYouMean(name, in: known).map { $0 + " " } ?? ""
        throw SelfhostError.usage("unknown SaaS '\(parts[0])'", remedy: "\(hint)accepted with a usage: \(saasIDs.joined(separator: ", ")); for any other product give your monthly bill: \(name)=@AMOUNT")
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

/// Parses a count with an optional k/M/B suffix (`9M`, `250k`, `1200000`).
func parseCount(_ text: String, flag: String) throws -> Decimal {
    try refuseOptionAsValue(text, flag: flag, example: "9M")
    let t = text.trimmingCharacters(in: .whitespaces)
    var number = Substring(t)
    var factor: Decimal = 1
    if let last = t.last, "kKmMbB".contains(last) {
        number = number.dropLast()
        factor = "kK".contains(last) ? 1000 : "mM".contains(last) ? 1_000_000 : 1_000_000_000
    }
    guard let d = Money.parse(String(number)), d >= 0 else {
        throw SelfhostError.usage("\(flag) '\(text)' is not a count", remedy: "use a non-negative number with an optional k, M or B suffix, e.g. \(flag) 9M")
    }
    guard d * factor <= 1_000_000_000_000_000 else { throw SelfhostError.usage("\(flag) \(text) is too large", remedy: "use a count up to 10^15") }
    return d * factor
}
