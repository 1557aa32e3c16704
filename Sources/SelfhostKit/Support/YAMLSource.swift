import Yams

/// Parses YAML text into a node tree, turning libyaml's errors into a located `SelfhostError`
/// (exit 2) instead of a raw exception.
public enum YAMLSource {
    /// Compose the first document of `text`; `file` names it in messages.
    /// Returns nil for an empty document.
    /// Every YAML file is checked against `YAMLBudget` (depth, alias expansion) first.
    public static func compose(_ text: String, file: String) throws -> Node? {
        try checkBudget(text, file: file)
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw clamped(located(error, file: file), text: text)
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

    /// Decodes `text` as `T` (Codable), within the same budget; errors are located and plain.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String, file: String, remedy: String) throws -> T {
        try checkBudget(text, file: file)
        do {
            return try YAMLDecoder().decode(type, from: text)
        } catch let error as YamlError {
            throw located(error, file: file)
        } catch let error as DecodingError {
            throw SelfhostError.usage(DecodingErrorText.describe(error), at: SourceLocation(file: file), remedy: remedy)
        }
    }

    /// Refuses a document past the YAML budget, at the position where it tripped.
    public static func checkBudget(_ text: String, file: String) throws {
        if text.utf8.count > InputBudget.maxFileBytes {
            throw SelfhostError.usage("\(file) is larger than \(InputBudget.maxFileBytes / 1024 / 1024) MiB", at: SourceLocation(file: file),
                                      remedy: "no catalog or configuration file needs this much; check that it is the right file")
        }
        if let f = YAMLBudget.check(text) {
            throw SelfhostError.usage(f.message, at: SourceLocation(file: file, line: f.line, column: f.column),
                                      remedy: "write the values out instead of nesting or repeating aliases (limits: docs/LIMITS.md)")
        }
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

    /// The location and plain message of a Yams error.
    public static func located(_ error: YamlError, file: String) -> SelfhostError {
        switch error {
        case let .scanner(context, problem, mark, yaml),
             let .parser(context, problem, mark, yaml),
             let .composer(context, problem, mark, yaml):
            var message = "invalid YAML: \(problem)" + YAMLTabHint.note(at: mark, in: yaml)
            if let context { message += " (\(context.text))" }
            return .usage(message, at: SourceLocation(file: file, line: mark.line, column: mark.column),
                          remedy: "fix the YAML syntax at that position (indentation, quotes, a missing ':')")
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

extension Node {
    /// This node's position as a `SourceLocation` in `file`.
    public func location(in file: String) -> SourceLocation {
        SourceLocation(file: file, line: mark?.line, column: mark?.column)
    }
}

/// A `DecodingError` as one plain sentence naming the key path.
enum DecodingErrorText {
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let p = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "the top level" : "'\(p.replacingOccurrences(of: ".[", with: "["))'"
        }
        switch error {
        case let .keyNotFound(key, context):
            return "missing key '\(key.stringValue)' in \(path(context.codingPath))"
        case let .typeMismatch(type, context):
            return "\(path(context.codingPath)) must be \(type == String.self ? "a string" : type == Int.self ? "a whole number" : type == Bool.self ? "true or false" : "a \(type)")"
        case let .valueNotFound(_, context):
            return "\(path(context.codingPath)) has no value"
        case let .dataCorrupted(context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
