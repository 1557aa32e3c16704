import Foundation

/// The wording every YAML reader uses for a value of the wrong shape, so a misspelt key or a
/// wrong type reads the same in a catalog entry, a price list, an ESP profile or an own-app file.
public enum YAMLMessage {
    /// `'path' must be an integer`.
    public static func mustBe(_ path: String, _ expectation: String) -> String { "'\(path)' must be \(expectation)" }

    /// `unknown key 'nmae' in app; did you mean 'name'?` and the fix listing the allowed keys.
    public static func unknownKey(_ key: String, in what: String, allowed: [String]) -> (message: String, fix: String) {
        let hint = Suggestions.didYouMean(key.split(separator: ".").last.map(String.init) ?? key, in: allowed).map { "; \($0)" } ?? ""
        return ("unknown key '\(key)' in \(what)\(hint)", "allowed keys in \(what): " + allowed.joined(separator: ", "))
    }

    /// `missing required key 'name' in app`.
    public static func missingKey(_ key: String, in what: String) -> String { "missing required key '\(key)' in \(what)" }
}

// MARK: Typed accessors

/// Strict reading of a node tree key by key: each accessor returns the value or throws a located
/// `SelfhostError` (exit 2) worded by `YAMLMessage`. `what` names the value in the message (a key
/// or key path). Errors carry no remedy; wrap a whole file's reading in
/// `YAMLNode.reading(remedy:)` to add the one that fits the file.
extension YAMLNode {
    public func fail(_ message: String, remedy: String? = nil) -> SelfhostError {
        SelfhostError.usage(message, at: location, remedy: remedy)
    }

    /// Runs `body`, giving every error it throws without a remedy this one.
    public static func reading<T>(remedy: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as SelfhostError {
            if e.remedy == nil { e.remedy = remedy }
            throw e
        }
    }

    /// A non-empty string (any scalar but null).
    public func text(_ what: String) throws -> String {
        guard !isNull, let s = string, !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw fail(YAMLMessage.mustBe(what, SchemaType.string.expectation))
        }
        return s
    }

    public func int(_ what: String) throws -> Int {
        guard !isNull, let s = string, let i = Int(s) else { throw fail(YAMLMessage.mustBe(what, SchemaType.int.expectation)) }
        return i
    }

    public func bool(_ what: String) throws -> Bool {
        guard let b = self.bool as Bool? else { throw fail(YAMLMessage.mustBe(what, SchemaType.bool.expectation)) }
        return b
    }

    /// `YYYY-MM-DD` as a UTC date.
    public func date(_ what: String) throws -> Date {
        guard !isNull, let s = string, let d = CalendarDay.parse(s) else {
            throw fail(YAMLMessage.mustBe(what, SchemaType.date.expectation) + ", got '\(string ?? "")'")
        }
        return d
    }

    public func list(_ what: String) throws -> [YAMLNode] {
        guard let items else { throw fail(YAMLMessage.mustBe(what, SchemaType.list(.string).expectation)) }
        return items
    }

    public func stringList(_ what: String) throws -> [String] {
        try list(what).map { try $0.text(what) }
    }

    /// A mapping whose keys must all be in `allowed`.
    public func map(_ what: String, allowed: [String]) throws -> YAMLMap {
        guard let pairs else { throw fail(YAMLMessage.mustBe(what, "a map")) }
        for p in pairs {
            guard let key = p.key.string, p.key.isScalar else { throw p.key.fail("keys in \(what) must be strings") }
            if !allowed.contains(key) {
                let (message, fix) = YAMLMessage.unknownKey(key, in: what, allowed: allowed)
                throw p.key.fail(message, remedy: fix)
            }
        }
        return YAMLMap(node: self, what: what)
    }
}

/// A mapping read key by key (from `YAMLNode.map(_:allowed:)`).
public struct YAMLMap: Sendable {
    public let node: YAMLNode
    public let what: String

    /// The value at `key`; nil when absent or null.
    public subscript(_ key: String) -> YAMLNode? {
        guard let v = node[key], !v.isNull else { return nil }
        return v
    }

    public func required(_ key: String) throws -> YAMLNode {
        guard let v = self[key] else { throw node.fail(YAMLMessage.missingKey(key, in: what)) }
        return v
    }

    public var keys: [String] { node.pairs?.compactMap(\.key.string) ?? [] }
}

extension Diagnostic {
    /// A reader's error as a finding of `rule`.
    public init(_ error: SelfhostError, rule: String) {
        self.init(.error, error.message, at: error.location, rule: rule, fix: error.remedy)
    }
}
