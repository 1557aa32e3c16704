import Foundation

/// An app's `.env`: read the keys already set, and append only the missing ones.
///
/// The existing text is never rewritten: a re-render after a version bump must not change a
/// database password the database was initialised with, nor drop a line a person added.
struct RenderEnvFile {
    /// One variable to ensure, with the comment written above it when it is added.
    struct Entry: Equatable {
        var key: String
        var value: String
        var comment: String?
    }

    /// Keys assigned in `text` (`KEY=…` or `export KEY=…`; comments and blank lines ignored).
    static func keys(in text: String) -> Set<String> { Set(values(in: text).keys) }

    /// Keys and their (unquoted) values; the last assignment of a key wins, as in compose.
    static func values(in text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            var l = line.drop { $0 == " " || $0 == "\t" }
            if l.hasPrefix("#") { continue }
            if l.hasPrefix("export ") { l = l.dropFirst(7).drop { $0 == " " } }
            guard let eq = l.firstIndex(of: "=") else { continue }
            let key = l[..<eq].trimmingCharacters(in: .whitespaces)
            var value = String(l[l.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let q = value.first, q == "'" || q == "\"", value.last == q {
                value = String(value.dropFirst().dropLast())
                // Double quotes: undo `quote`'s escapes (\\, \" and \$), as Compose reads them.
                if q == "\"" { value = unescape(value) }
            }
            if !key.isEmpty { values[key] = value }
        }
        return values
    }

    /// `existing` (or a header when there is none) with every entry whose key is missing appended.
    /// Returns the new text and the keys added.
    static func merge(existing: String?, entries: [Entry], header: String) -> (text: String, added: [String]) {
        let present = existing.map(keys(in:)) ?? []
        var text = existing ?? header
        if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
        var added: [String] = []
        var first = true
        for e in entries where !present.contains(e.key) && !added.contains(e.key) {
            if existing != nil, first { text += "\n# Added by selfhost render\n" }
            first = false
            if let c = e.comment { text += c.split(separator: "\n").map { "# \($0)\n" }.joined() }
            text += "\(e.key)=\(quote(e.value))\n"
            added.append(e.key)
        }
        return (text, added)
    }

    /// `text` with the assignment of `key` changed from `old` to `new`, when its last assignment
    /// (the one compose uses) holds exactly `old`; nil otherwise (a value a person edited stays).
    static func replace(_ key: String, from old: String, to new: String, in text: String) -> String? {
        guard values(in: text)[key] == old else { return nil }
        var lines = text.components(separatedBy: "\n")
        guard let i = lines.lastIndex(where: { line in
            var l = line.drop { $0 == " " || $0 == "\t" }
            if l.hasPrefix("export ") { l = l.dropFirst(7).drop { $0 == " " } }
            guard let eq = l.firstIndex(of: "=") else { return false }
            return !l.hasPrefix("#") && l[..<eq].trimmingCharacters(in: .whitespaces) == key
        }) else { return nil }
        lines[i] = "\(key)=\(quote(new))"
        return lines.joined(separator: "\n")
    }

    /// A double-quoted value with the escapes `quote` writes undone (`\\`, `\"`, `\$`); any other
    /// backslash is kept as written.
    static func unescape(_ value: String) -> String {
        var out = ""
        var escaped = false
        for c in value {
            if escaped {
                if !"\\\"$".contains(c) { out.append("\\") }
                out.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return escaped ? out + "\\" : out
    }

    /// A value as `.env` files need it: bare when plain, single-quoted (literal, no interpolation)
    /// when it holds spaces, `#`, quotes, `$` or backslashes.
    static func quote(_ value: String) -> String {
        let special = value.contains { $0 == " " || $0 == "\t" || "#\"'$\\`".contains($0) }
        guard special else { return value }
        if !value.contains("'") { return "'\(value)'" }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "$", with: "\\$") + "\""
    }
}
