import Foundation

/// One plan as a provider's price API states it, in the units the pricing files use.
struct RefreshedPlan: Equatable, Sendable {
    enum Price: Equatable, Sendable {
        case monthly(Decimal)
        case hourly(Decimal)
    }

    var id: String
    var label: String
    var vcpus: Int
    /// GB (GiB for providers whose files say so: `ramUnit`).
    var ram: Decimal
    var ramUnit: String = "GB"
    var diskGB: Int?
    /// The plan's own transfer allowance, in TB; nil when the plan carries none.
    var includedTB: Decimal?
    var price: Price

    /// The `plans:` line of a pricing file, every figure dated `day` and sourced to the refresh.
    func yamlLine(day: String) -> String {
        var line = "  - {id: \(Self.quoted(id)), name: \(Self.quoted(label)), vcpu: \(vcpus), ram: \(Money.exact(ram)), ram_unit: \(ramUnit)"
        if let diskGB { line += ", disk_gb: \(diskGB)" }
        switch price {
        case .monthly(let m): line += ", price: {monthly: \(Money.exact(m)), as_of: \(day), source: refresh}"
        case .hourly(let h): line += ", price: {hourly: \(Money.exact(h)), as_of: \(day), source: refresh}"
        }
        if let includedTB, includedTB > 0 { line += ", included: {value: \(Money.exact(includedTB)), unit: TB, as_of: \(day), source: refresh}" }
        return line + "}"
    }

    /// A plan id as the pricing files accept it (letters, digits, `-_.`).
    static func validID(_ id: String) -> Bool {
        !id.isEmpty && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }
    }

    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// The shipped file with its plans replaced: the head (everything before `plans:`) is kept, a
    /// `refresh` source and a dated note are added, then the refreshed plans follow.
    static func overlay(shipped: String, plans: [RefreshedPlan], url: String, title: String, note: String, day: String) -> String {
        let head = shipped.components(separatedBy: "\nplans:")[0]
        var text = head.replacingOccurrences(of: "\nsources:\n", with: """

            sources:
              - id: refresh
                url: \(quoted(url))
                title: \(quoted(title + ", read \(day) by selfhost cost --refresh"))
                checked: \(day)

            """)
        text = text.replacingOccurrences(of: "\nnotes:\n", with: "\nnotes:\n  - \(quoted(note))\n")
        text += "\nplans:\n" + plans.map { $0.yamlLine(day: day) }.joined(separator: "\n") + "\n"
        return text
    }
}

/// Why a refresh kept the previous prices.
struct RefreshError: Error, Equatable {
    var message: String
    init(_ m: String) { message = m }
}

/// JSON as the price APIs send it, read without Codable models: every field a source needs is
/// checked where it is used, so a missing one names the plan and the field.
enum RefreshJSON {
    static func object(_ body: Data) throws(RefreshError) -> [String: Any] {
        guard let root = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw RefreshError("the answer is not a JSON object")
        }
        return root
    }

    /// A number as a Decimal: JSON numbers (NSNumber) and the decimal strings some APIs send
    /// (Hetzner's `"3.7900000000"`).
    static func decimal(_ value: Any?) -> Decimal? {
        if let n = value as? NSNumber { return n.decimalValue }
        if let s = value as? String { return Decimal(string: s, locale: Locale(identifier: "en_US_POSIX")) }
        return nil
    }

    static func int(_ value: Any?) -> Int? {
        guard let d = decimal(value) else { return nil }
        return NSDecimalNumber(decimal: d).intValue
    }
}
