import Yams

/// The one way selfhost reads YAML: size limit, then `YAMLBudget`'s linear pass over libyaml's
/// events (nesting depth, alias expansion), then libyaml's composer, then a `YAMLNode` tree with
/// `file:line:col` on every node. Every failure is a located `SelfhostError` (exit 2) worded the
/// same way whichever command read the file: `invalid YAML: …`, `duplicate key …`, the budget's
/// own messages. Merge keys (`<<: *defaults`) are applied; an alias to a scalar is kept as `*name`.
public enum YAMLParser {
    /// The first document of `text`, nil when it is empty. `file` names it in nodes and messages.
    public static func parse(_ text: String, file: String) throws(SelfhostError) -> YAMLNode? {
        try checkBudget(text, file: file)
        let node: Node?
        do {
            // The basic resolver: every scalar stays a string, and YAMLNode classifies it (YAML 1.2 core).
            node = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw clamped(located(error, file: file), text: text)
        } catch {
            throw SelfhostError.usage("invalid YAML: \(error)", at: SourceLocation(file: file), remedy: syntaxRemedy)
        }
        guard let node else { return nil }
        var remaining = InputBudget.yamlNodeBudget(forByteCount: text.utf8.count)
        return try convert(node, file: file, budget: &remaining)
    }

    /// Like `parse`, but an empty document is an error too (`what` says what the file should hold).
    public static func parseDocument(_ text: String, file: String, what: String) throws(SelfhostError) -> YAMLNode {
        guard let node = try parse(text, file: file) else {
            throw SelfhostError.usage("\(file) is empty", at: SourceLocation(file: file), remedy: "write \(what) into it")
        }
        return node
    }

    static let syntaxRemedy = "fix the YAML syntax at that position (indentation, quotes, a missing ':')"

    /// Refuses a document past the YAML budget, at the position where it tripped.
    static func checkBudget(_ text: String, file: String) throws(SelfhostError) {
        if text.utf8.count > InputBudget.maxFileBytes {
            throw SelfhostError.usage("\(file) is larger than \(InputBudget.maxFileBytes / 1024 / 1024) MiB", at: SourceLocation(file: file),
                                      remedy: "no catalog or configuration file needs this much; check that it is the right file")
        }
        if let f = YAMLBudget.check(text) {
            throw SelfhostError.usage(f.message, at: SourceLocation(file: file, line: f.line, column: f.column), remedy: budgetRemedy)
        }
    }

    static let budgetRemedy = "write the values out instead of nesting or repeating aliases (limits: docs/LIMITS.md)"

    private static func convert(_ node: Node, file: String, budget: inout Int) throws(SelfhostError) -> YAMLNode {
        budget -= 1
        let line = node.mark?.line ?? 1, column = node.mark?.column ?? 1
        if budget < 0 {
            // YAMLBudget has counted the same expansion already; this guards the walk itself.
            throw SelfhostError.usage("document expands to too many nodes (an alias bomb?)",
                                      at: SourceLocation(file: file, line: line, column: column), remedy: budgetRemedy)
        }
        switch node {
        case let .scalar(s):
            let style: YAMLNode.ScalarStyle = switch s.style {
            case .singleQuoted: .singleQuoted
            case .doubleQuoted: .doubleQuoted
            case .literal, .folded: .block
            default: .plain
            }
            return YAMLNode(.scalar(s.string, style), file: file, line: line, column: column)
        case let .sequence(seq):
            var out: [YAMLNode] = []
            out.reserveCapacity(seq.count)
            for n in seq { out.append(try convert(n, file: file, budget: &budget)) }
            return YAMLNode(.sequence(out), file: file, line: line, column: column)
        case let .mapping(map):
            var out: [YAMLNode.Pair] = []
            var merged: [YAMLNode.Pair] = []
            for (k, v) in map {
                if case let .scalar(ks) = k, ks.string == "<<", ks.style == .plain || ks.style == .any {
                    // Merge keys (`<<: *defaults`): explicit keys win, earlier merges win over later ones.
                    let sources: [Node] = if case let .sequence(s) = v { Array(s) } else { [v] }
                    for src in sources {
                        let converted = try convert(src, file: file, budget: &budget)
                        for p in converted.pairs ?? [] where !merged.contains(where: { $0.key.string == p.key.string }) {
                            merged.append(p)
                        }
                    }
                    continue
                }
                out.append(YAMLNode.Pair(key: try convert(k, file: file, budget: &budget), value: try convert(v, file: file, budget: &budget)))
            }
            for p in merged where !out.contains(where: { $0.key.string == p.key.string }) { out.append(p) }
            return YAMLNode(.mapping(out), file: file, line: line, column: column)
        case let .alias(a):
            return YAMLNode(.scalar("*\(a.anchor.rawValue)", .plain), file: file, line: line, column: column)
        }
    }

    /// The error's position kept inside the text (see TextLines.clamp).
    static func clamped(_ e: SelfhostError, text: String) -> SelfhostError {
        guard let loc = e.location, let line = loc.line else { return e }
        var copy = e
        let (l, c) = TextLines.clamp(line: line, column: loc.column ?? 1, in: text)
        copy.location = SourceLocation(file: loc.file, line: l, column: c)
        return copy
    }

    /// The next line after `mark` indented like it and starting with `key:` (plain or quoted).
    static func secondOccurrence(of key: String, after mark: Mark, in text: String) -> (line: Int, column: Int)? {
        let lines = TextLines.split(text)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let indent = mark.column - 1
        for n in mark.line..<lines.count {
            let l = lines[n]
            guard l.count > indent, l.prefix(indent).allSatisfy({ $0 == " " || $0 == "-" }) else { continue }
            let rest = l.dropFirst(indent)
            for form in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(form + ":") {
                return (n + 1, indent + 1)
            }
        }
        return nil
    }

    /// The location and plain message of a libyaml error (via Yams).
    static func located(_ error: YamlError, file: String) -> SelfhostError {
        switch error {
        case let .scanner(context, problem, mark, yaml),
             let .parser(context, problem, mark, yaml),
             let .composer(context, problem, mark, yaml):
            var message = "invalid YAML: \(problem)" + YAMLTabHint.note(at: mark, in: yaml)
            if let context { message += " (\(context.text))" }
            return .usage(message, at: SourceLocation(file: file, line: mark.line, column: mark.column), remedy: syntaxRemedy)
        case let .duplicatedKeysInMapping(duplicates, context):
            // Yams' description of this error quotes the whole document: name the key, and point
            // at its second occurrence (the first is context.mark) when it can be found.
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            let first = context.mark
            let again = duplicates.sorted().first.flatMap { secondOccurrence(of: $0, after: first, in: context.text) }
            return .usage("duplicate key \(keys) in one mapping" + (again != nil ? " (first at line \(first.line))" : ""),
                          at: SourceLocation(file: file, line: again?.line ?? first.line, column: again?.column ?? first.column),
                          remedy: "keep one of them: YAML allows each key once per mapping")
        case let .reader(problem, _, _, _):
            return .usage("unreadable YAML: \(problem)", at: SourceLocation(file: file), remedy: "save the file as UTF-8 text")
        default:
            return .usage("invalid YAML: \(error)", at: SourceLocation(file: file), remedy: "check the file's syntax")
        }
    }
}
