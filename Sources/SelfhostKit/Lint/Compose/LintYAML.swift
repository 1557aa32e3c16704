import CYaml
import Foundation
import Yams

/// A YAML node with its position, built from `Yams.compose` under a budget so alias bombs and
/// pathological nesting end with a located error instead of exhausting memory or the stack.
public struct LintNode: Sendable {
    /// How a scalar was written; quoted scalars are always strings.
    public enum ScalarStyle: Sendable { case plain, singleQuoted, doubleQuoted, block }

    public indirect enum Value: Sendable {
        case scalar(String, ScalarStyle)
        case mapping([LintNodePair])
        case sequence([LintNode])
    }

    public var value: Value
    /// 1-based line and column (Unicode scalars) of the node's first character.
    public var line: Int
    public var column: Int

    public init(_ value: Value, line: Int, column: Int) {
        self.value = value
        self.line = line
        self.column = column
    }

    // MARK: Accessors

    /// The scalar text, or nil for mappings and sequences.
    public var string: String? {
        if case let .scalar(s, _) = value { return s }
        return nil
    }

    /// The scalar text unless it is a YAML null.
    public var text: String? { isNull ? nil : string }

    public var pairs: [LintNodePair]? {
        if case let .mapping(p) = value { return p }
        return nil
    }

    public var items: [LintNode]? {
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
    public subscript(key: String) -> LintNode? {
        pairs?.first { $0.key.string == key }?.value
    }

    /// The pair for a key, to report at the key's position.
    public func pair(_ key: String) -> LintNodePair? {
        pairs?.first { $0.key.string == key }
    }

    /// Mapping keys and values as strings, or `KEY=VALUE` list items split; for environment and labels.
    public var keyValueEntries: [(key: String, value: String?, node: LintNode)] {
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
    public var stringList: [(String, LintNode)] {
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

/// A key and its value in a mapping.
public struct LintNodePair: Sendable {
    public var key: LintNode
    public var value: LintNode
}

/// Errors the loader reports with a position.
public struct LintYAMLError: Error, Sendable {
    public var message: String
    public var line: Int
    public var column: Int
}

/// Loads YAML documents into `LintNode` trees with limits.
public enum LintYAMLLoader {
    /// Nesting deeper than this is refused (libyaml counts it while parsing, before any recursion).
    public static let maxDepth = InputBudget.yamlMaxDepth

    /// How many nodes a document may expand to through aliases (see `InputBudget`).
    public static func nodeBudget(forByteCount n: Int) -> Int { InputBudget.yamlNodeBudget(forByteCount: n) }

    /// Parses the first document. Nil for an empty file.
    public static func load(_ text: String) throws(LintYAMLError) -> LintNode? {
        let budget = nodeBudget(forByteCount: text.utf8.count)
        // First pass over libyaml events: depth and fully expanded size, in linear time,
        // so nothing below ever walks an alias bomb.
        try precheck(text, budget: budget)
        let node: Node?
        do {
            // An empty resolver: every scalar stays a string and we classify it ourselves (YAML 1.2 rules).
            node = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            var e = convert(error)
            (e.line, e.column) = TextLines.clamp(line: e.line, column: e.column, in: text)
            throw e
        } catch {
            throw LintYAMLError(message: "\(error)", line: 1, column: 1)
        }
        guard let node else { return nil }
        var remaining = budget
        return try convert(node, budget: &remaining)
    }

    private static func convert(_ node: Node, budget: inout Int) throws(LintYAMLError) -> LintNode {
        budget -= 1
        let line = node.mark?.line ?? 1, column = node.mark?.column ?? 1
        if budget < 0 {
            throw LintYAMLError(message: "document expands to too many nodes (an alias bomb?)", line: line, column: column)
        }
        switch node {
        case let .scalar(s):
            let style: LintNode.ScalarStyle = switch s.style {
            case .singleQuoted: .singleQuoted
            case .doubleQuoted: .doubleQuoted
            case .literal, .folded: .block
            default: .plain
            }
            return LintNode(.scalar(s.string, style), line: line, column: column)
        case let .sequence(seq):
            var out: [LintNode] = []
            out.reserveCapacity(seq.count)
            for n in seq { out.append(try convert(n, budget: &budget)) }
            return LintNode(.sequence(out), line: line, column: column)
        case let .mapping(map):
            var out: [LintNodePair] = []
            var merged: [LintNodePair] = []
            for (k, v) in map {
                if case let .scalar(ks) = k, ks.string == "<<", ks.style == .plain || ks.style == .any {
                    // Merge keys (`<<: *defaults`): explicit keys win, earlier merges win over later ones.
                    let sources: [Node] = if case let .sequence(s) = v { Array(s) } else { [v] }
                    for src in sources {
                        let converted = try convert(src, budget: &budget)
                        for p in converted.pairs ?? [] where !merged.contains(where: { $0.key.string == p.key.string }) {
                            merged.append(p)
                        }
                    }
                    continue
                }
                out.append(LintNodePair(key: try convert(k, budget: &budget), value: try convert(v, budget: &budget)))
            }
            for p in merged where !out.contains(where: { $0.key.string == p.key.string }) { out.append(p) }
            return LintNode(.mapping(out), line: line, column: column)
        case let .alias(a):
            return LintNode(.scalar("*\(a.anchor.rawValue)", .plain), line: line, column: column)
        }
    }

    private static func convert(_ error: YamlError) -> LintYAMLError {
        switch error {
        case let .scanner(context, problem, mark, yaml):
            let ctx = context.map { " \($0.text)" } ?? ""
            return LintYAMLError(message: "YAML syntax: \(problem)\(YAMLTabHint.note(at: mark, in: yaml))\(ctx)", line: mark.line, column: mark.column)
        case let .parser(context, problem, mark, _):
            let ctx = context.map { " \($0.text)" } ?? ""
            return LintYAMLError(message: "YAML syntax: \(problem)\(ctx)", line: mark.line, column: mark.column)
        case let .composer(context, problem, mark, _):
            let ctx = context.map { " \($0.text)" } ?? ""
            return LintYAMLError(message: "YAML: \(problem)\(ctx)", line: mark.line, column: mark.column)
        case let .duplicatedKeysInMapping(duplicates, context):
            return LintYAMLError(
                message: "duplicate key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) in a mapping",
                line: context.mark.line, column: context.mark.column)
        case let .reader(problem, _, offset, _):
            return LintYAMLError(message: "YAML: \(problem) at byte \(offset)", line: 1, column: 1)
        default:
            return LintYAMLError(message: "YAML: \(error)", line: 1, column: 1)
        }
    }

    /// The shared budget check (depth and expanded size), located for lint.
    static func precheck(_ text: String, budget: Int) throws(LintYAMLError) {
        if let f = YAMLBudget.precheck(text, budget: budget) { throw LintYAMLError(message: f.message, line: f.line, column: f.column) }
    }
}
