/// A YAML node with its file and position: the one node type every reader works on (catalog
/// entries, pricing and e-mail-provider files, compose files in lint, lint's settings). Built by
/// `YAMLParser.parse`, which applies the budgets first. Scalars keep their text and how they were
/// written; types are classified here, by YAML 1.2's core schema (as compose-go reads YAML:
/// `yes`/`no` are strings, quoted scalars are always strings).
public struct YAMLNode: Sendable {
    /// How a scalar was written; quoted scalars are always strings.
    public enum ScalarStyle: Sendable { case plain, singleQuoted, doubleQuoted, block }

    public indirect enum Value: Sendable {
        case scalar(String, ScalarStyle)
        case mapping([Pair])
        case sequence([YAMLNode])
    }

    /// A key and its value in a mapping.
    public struct Pair: Sendable {
        public var key: YAMLNode
        public var value: YAMLNode
    }

    public var value: Value
    /// The file as messages name it.
    public var file: String
    /// 1-based line and column (Unicode scalars) of the node's first character.
    public var line: Int
    public var column: Int

    public init(_ value: Value, file: String, line: Int, column: Int) {
        self.value = value
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col` of the node.
    public var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    // MARK: Accessors

    /// The scalar text, or nil for mappings and sequences.
    public var string: String? {
        if case let .scalar(s, _) = value { return s }
        return nil
    }

    /// The scalar text unless it is a YAML null.
    public var text: String? { isNull ? nil : string }

    public var pairs: [Pair]? {
        if case let .mapping(p) = value { return p }
        return nil
    }

    public var items: [YAMLNode]? {
        if case let .sequence(i) = value { return i }
        return nil
    }

    public var isMapping: Bool { pairs != nil }
    public var isSequence: Bool { items != nil }
    public var isScalar: Bool { string != nil }

    public var style: ScalarStyle? {
        if case let .scalar(_, st) = value { return st }
        return nil
    }

    /// YAML 1.2 core schema, as compose-go (yaml.v3) reads it: `yes`/`no` are strings.
    public var isNull: Bool {
        guard case let .scalar(s, st) = value, st == .plain else { return false }
        return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
    }

    public var bool: Bool? {
        guard case let .scalar(s, st) = value, st == .plain else { return nil }
        switch s {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    public var int: Int? {
        guard case let .scalar(s, st) = value, st == .plain else { return nil }
        return Int(s)
    }

    public var isNumber: Bool {
        guard case let .scalar(s, st) = value, st == .plain else { return false }
        return Double(s) != nil && !s.hasPrefix("0x")
    }

    /// A short name of the node's type, for messages.
    public var typeName: String {
        switch value {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .scalar:
            if isNull { "null" } else if bool != nil { "a boolean" } else if isNumber { "a number" } else { "a string" }
        }
    }

    /// The value for a key in a mapping.
    public subscript(key: String) -> YAMLNode? {
        pairs?.first { $0.key.string == key }?.value
    }

    /// The i-th item of a sequence, nil when out of range or not a sequence.
    public func item(_ i: Int) -> YAMLNode? {
        guard let items, i >= 0, i < items.count else { return nil }
        return items[i]
    }

    /// The pair for a key, to report at the key's position.
    public func pair(_ key: String) -> Pair? {
        pairs?.first { $0.key.string == key }
    }

    /// Mapping keys and values as strings, or `KEY=VALUE` list items split; for environment and labels.
    public var keyValueEntries: [(key: String, value: String?, node: YAMLNode)] {
        if let pairs {
            return pairs.compactMap { p in p.key.string.map { ($0, p.value.isNull ? nil : p.value.string, p.value) } }
        }
        if let items {
            return items.compactMap { item in
                guard let s = item.string else { return nil }
                if let eq = s.firstIndex(of: "=") { return (String(s[..<eq]), String(s[s.index(after: eq)...]), item) }
                return (s, nil, item)
            }
        }
        return []
    }

    /// A list of strings written either as one scalar or as a sequence.
    public var stringList: [(String, YAMLNode)] {
        if let items { return items.compactMap { i in i.string.map { ($0, i) } } }
        if let s = text { return [(s, self)] }
        return []
    }

    /// The position of `offset` characters into a scalar, accounting for its opening quote, when
    /// `sourceLine` (the node's line in the file) shows the text up to there as written: a scalar
    /// folded over several lines, or with escapes before the offset, keeps its start column.
    public func column(atOffset offset: Int, sourceLine: Substring) -> Int {
        let start: Int
        switch style {
        case .plain?: start = column
        case .singleQuoted?, .doubleQuoted?: start = column + 1
        default: return column
        }
        guard let text = string, offset >= 0 else { return column }
        let written = Array(sourceLine.unicodeScalars)
        let wanted = Array(text.unicodeScalars.prefix(offset + 1))
        guard wanted.count == offset + 1, start - 1 + wanted.count <= written.count,
              Array(written[(start - 1)..<(start - 1 + wanted.count)]) == wanted else { return column }
        return start + offset
    }
}
