/// Reads model values out of a `TreeValue` map without Codable: plain, non-generic code paths
/// keep catalog loading to a fraction of process start-up. The schema check has already
/// reported problems with positions; errors here only guard against impossible shapes.
public struct TreeReader {
    public struct ShapeError: Error, CustomStringConvertible {
        public var description: String
    }

    let pairs: [(String, TreeValue)]
    let path: String

    public init(_ value: TreeValue, path: String = "") throws {
        guard case .m(let pairs) = value else { throw ShapeError(description: "'\(path)' must be a map") }
        self.pairs = pairs
        self.path = path
    }

    /// The value at `key`, nil when absent or null.
    public func value(_ key: String) -> TreeValue? {
        for (k, v) in pairs where k == key {
            if case .null = v { return nil }
            return v
        }
        return nil
    }

    private func sub(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func string(_ key: String) throws -> String {
        guard let s = stringIfPresent(key) else { throw ShapeError(description: "'\(sub(key))' must be a string") }
        return s
    }

    public func stringIfPresent(_ key: String) -> String? {
        if case .s(let s)? = value(key) { return s }
        return nil
    }

    public func int(_ key: String) throws -> Int {
        guard let i = intIfPresent(key) else { throw ShapeError(description: "'\(sub(key))' must be an integer") }
        return i
    }

    public func intIfPresent(_ key: String) -> Int? { stringIfPresent(key).flatMap { Int($0) } }

    public func boolIfPresent(_ key: String) -> Bool? {
        switch stringIfPresent(key) {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    public func bool(_ key: String) throws -> Bool {
        guard let b = boolIfPresent(key) else { throw ShapeError(description: "'\(sub(key))' must be true or false") }
        return b
    }

    /// A list of strings; absent → [].
    public func strings(_ key: String) -> [String] {
        guard case .l(let items)? = value(key) else { return [] }
        return items.compactMap { if case .s(let s) = $0 { s } else { nil } }
    }

    /// A list of maps read by `read`; absent → [].
    public func list<T>(_ key: String, _ read: (TreeReader) throws -> T) throws -> [T] {
        guard case .l(let items)? = value(key) else { return [] }
        return try items.enumerated().map { i, item in try read(TreeReader(item, path: "\(sub(key))[\(i)]")) }
    }

    /// A nested map read by `read`; absent → nil.
    public func map<T>(_ key: String, _ read: (TreeReader) throws -> T) throws -> T? {
        guard let v = value(key) else { return nil }
        return try read(TreeReader(v, path: sub(key)))
    }

    /// A nested map that must be present.
    public func required<T>(_ key: String, _ read: (TreeReader) throws -> T) throws -> T {
        guard let t = try map(key, read) else { throw ShapeError(description: "missing '\(sub(key))'") }
        return t
    }
}

extension TreeValue {
    /// A parsed node (the validated, user-supplied path) as a plain tree.
    public init(_ node: YAMLNode) {
        switch node.value {
        case .scalar(let s, _): self = node.isNull ? .null : .s(s)
        case .sequence(let items): self = .l(items.map(TreeValue.init))
        case .mapping(let pairs): self = .m(pairs.map { ($0.key.string ?? "", TreeValue($0.value)) })
        }
    }
}
