import Foundation
import Yams

/// A YAML node with its file and position, for strict reading of `catalog/pricing/*.yaml`:
/// every error names `file:line:col`, unknown keys are errors (with did-you-mean), and numbers
/// are read from their text so money stays exact.
struct YNode {
    let node: Node
    let file: String

    var location: SourceLocation {
        SourceLocation(file: file, line: node.mark?.line, column: node.mark?.column)
    }

    func fail(_ message: String, remedy: String? = nil) -> SelfhostError {
        SelfhostError.usage(message, at: location, remedy: remedy ?? "fix the pricing file; keys and meaning are in docs/COST.md")
    }

    static func parse(_ text: String, file: String) throws -> YNode {
        // The shared reader: budgeted, and syntax errors located as file:line:col.
        guard let node = try YAMLSource.compose(text, file: file) else {
            throw SelfhostError.usage("\(file) is empty", at: SourceLocation(file: file), remedy: "see docs/COST.md for the pricing file format")
        }
        return YNode(node: node, file: file)
    }

    var string: String? {
        guard let s = node.scalar else { return nil }
        return s.string
    }

    func text(_ what: String) throws -> String {
        guard let s = string, !s.isEmpty else { throw fail("\(what) must be a non-empty string") }
        return s
    }

    func decimal(_ what: String) throws -> Decimal {
        guard let s = string, let d = Money.parse(s) else {
            throw fail("\(what) must be a plain decimal number (e.g. 0.09), got '\(string ?? "a non-scalar")'")
        }
        return d
    }

    func nonNegative(_ what: String) throws -> Decimal {
        let d = try decimal(what)
        guard d >= 0 else { throw fail("\(what) must not be negative") }
        return d
    }

    func int(_ what: String) throws -> Int {
        guard let s = string, let i = Int(s) else { throw fail("\(what) must be a whole number") }
        return i
    }

    func bool(_ what: String) throws -> Bool {
        switch string {
        case "true": return true
        case "false": return false
        default: throw fail("\(what) must be true or false")
        }
    }

    /// `YYYY-MM-DD` as a UTC date.
    func date(_ what: String) throws -> Date {
        guard let s = string, let d = YNode.parseDay(s) else {
            throw fail("\(what) must be a date YYYY-MM-DD, got '\(string ?? "")'")
        }
        return d
    }

    static func parseDay(_ s: String) -> Date? { CalendarDay.parse(s) }

    func list(_ what: String) throws -> [YNode] {
        guard let seq = node.sequence else { throw fail("\(what) must be a list") }
        return seq.map { YNode(node: $0, file: file) }
    }

    func stringList(_ what: String) throws -> [String] {
        try list(what).map { try $0.text(what) }
    }

    func map(_ what: String, allowed: [String]) throws -> YMap {
        guard let m = node.mapping else { throw fail("\(what) must be a mapping") }
        var entries: [(String, YNode, YNode)] = []
        for (k, v) in m {
            guard let key = k.scalar?.string else { throw fail("\(what): keys must be strings") }
            let kn = YNode(node: k, file: file)
            if !allowed.contains(key) {
                let hint = Suggestions.didYouMean(key, in: allowed).map { " (\($0))" } ?? ""
                throw kn.fail("unknown key '\(key)' in \(what)\(hint)", remedy: "allowed keys: " + allowed.joined(separator: ", "))
            }
            entries.append((key, kn, YNode(node: v, file: file)))
        }
        return YMap(owner: self, what: what, entries: entries)
    }
}

/// A mapping read key by key.
struct YMap {
    let owner: YNode
    let what: String
    let entries: [(String, YNode, YNode)]

    subscript(_ key: String) -> YNode? {
        guard let v = entries.first(where: { $0.0 == key })?.2 else { return nil }
        if v.node.scalar.map({ $0.string == "null" || $0.string == "~" }) == true { return nil }
        return v
    }

    func required(_ key: String) throws -> YNode {
        guard let v = self[key] else { throw owner.fail("\(what) is missing required key '\(key)'") }
        return v
    }

    var keys: [String] { entries.map(\.0) }
}
