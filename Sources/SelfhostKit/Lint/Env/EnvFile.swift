import Foundation

/// A parsed `.env` file as docker compose reads it: `KEY=VALUE`, optional `export `, `#` comments,
/// single quotes (literal), double quotes (escapes, may span lines), unquoted values with trailing ` #` comments.
public struct EnvFile: Sendable {
    public struct Entry: Sendable {
        public var key: String
        public var value: String
        public var line: Int
        public var column: Int
        /// Column where the value starts.
        public var valueColumn: Int
        public var quoted: Bool
        /// The value as written, before unquoting.
        public var raw: String
    }

    public struct Problem: Sendable {
        public var message: String
        public var line: Int
        public var column: Int
    }

    public var source: LintSource
    public var entries: [Entry] = []
    public var problems: [Problem] = []

    /// Every key's value, last one winning as in compose: built once, since every rule asks.
    public private(set) var values: [String: String] = [:]

    public init(source: LintSource) {
        self.source = source
        var lines = source.lines[...]
        if lines.count > InputBudget.envMaxLines {
            problems.append(Problem(message: "more than \(InputBudget.envMaxLines) lines; the rest of the file is not read",
                                    line: InputBudget.envMaxLines + 1, column: 1))
            lines = lines.prefix(InputBudget.envMaxLines)
        }
        defer { for e in entries { values[e.key] = e.value } }
        var i = 0
        while i < lines.count {
            let lineNo = i + 1
            let line = String(lines[i])
            i += 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.count - trimmed.count
            var body = Substring(trimmed)
            var col = indent + 1
            if body.hasPrefix("export ") { body = body.dropFirst(7).drop { $0 == " " }; col = line.count - body.count + 1 }
            guard let eq = body.firstIndex(of: "=") else {
                problems.append(Problem(message: "expected KEY=VALUE", line: lineNo, column: col))
                continue
            }
            let key = body[..<eq].trimmingCharacters(in: .whitespaces)
            if key.isEmpty || !key.allSatisfy({ $0 == "_" || $0 == "." || $0 == "-" || $0.isLetter || $0.isNumber }) {
                problems.append(Problem(message: "invalid variable name '\(key.shownName)'", line: lineNo, column: col))
                continue
            }
            var rest = body[body.index(after: eq)...]
            let valueColumn = line.count - rest.count + 1
            rest = rest.drop { $0 == " " || $0 == "\t" }
            var value = ""
            var quoted = false
            var raw = String(rest)
            if let q = rest.first, q == "\"" || q == "'" {
                quoted = true
                var text = String(rest.dropFirst())
                var closed = false
                while true {
                    if let end = closingQuote(in: text, quote: q) {
                        value += String(text[..<end])
                        closed = true
                        break
                    }
                    // Double-quoted values may continue on the next lines.
                    guard q == "\"", i < lines.count else { value += text; break }
                    value += text + "\n"
                    text = String(lines[i])
                    raw += "\n" + text
                    i += 1
                }
                if !closed { problems.append(Problem(message: "unterminated \(q == "\"" ? "double" : "single")-quoted value", line: lineNo, column: valueColumn)) }
                if q == "\"" {
                    value = value.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
                }
            } else {
                var v = String(rest)
                if let hash = v.range(of: " #") ?? v.range(of: "\t#") { v = String(v[..<hash.lowerBound]) }
                value = v.trimmingCharacters(in: .whitespaces)
                raw = value
            }
            entries.append(Entry(key: key, value: value, line: lineNo, column: col, valueColumn: valueColumn, quoted: quoted, raw: raw))
        }
    }

    private func closingQuote(in text: String, quote: Character) -> String.Index? {
        var idx = text.startIndex
        var escaped = false
        while idx < text.endIndex {
            let c = text[idx]
            if escaped { escaped = false } else if c == "\\" && quote == "\"" { escaped = true } else if c == quote { return idx }
            idx = text.index(after: idx)
        }
        return nil
    }

}
