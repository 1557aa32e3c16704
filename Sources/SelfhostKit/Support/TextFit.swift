/// Fitting text for people to a terminal's width: prose wraps at word boundaries with a hanging
/// indent, a word longer than the line (a URL) is broken, a line that must stay one line is cut with "…".
/// ANSI colour escapes take no columns.
public enum TextFit {
    /// Where prose wraps when the width is unknown (output to a pipe).
    public static let defaultWidth = 96

    /// Wraps `text` (one paragraph) at `width`: the first line starts with `indent`, the others
    /// with `hanging` (default: `indent`).
    public static func wrap(_ text: String, indent: String, hanging: String? = nil, width: Int? = nil) -> String {
        let width = max(20, width ?? defaultWidth)
        var out = ""
        var line = indent
        var column = indent.displayWidth
        var empty = true
        let next = hanging ?? indent
        let nextWidth = next.displayWidth
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            var word = String(word)
            var length = word.displayWidth
            if !empty, column + length + 1 > width {
                out += line + "\n"
                line = next
                column = nextWidth
                empty = true
            }
            // A word wider than a whole line is broken at the width.
            while column + length > width, width - column >= 8 {
                let (head, rest) = split(word, at: width - column)
                out += line + head + "\n"
                line = next
                column = nextWidth
                word = rest
                length = word.displayWidth
                empty = true
            }
            if empty {
                line += word
                column += length
            } else {
                line += " " + word
                column += length + 1
            }
            empty = false
        }
        if !empty { out += line + "\n" }
        return out
    }

    /// Re-wraps every line of `text` wider than `width`, keeping its indent and list marker
    /// (`- `, `· `, `• `, `1. `, `[3] `) and hanging the rest under the marker's text. Nil width: unchanged.
    public static func fit(_ text: String, width: Int?) -> String {
        guard let width else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 64)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, sub) in lines.enumerated() {
            let line = String(sub)
            if line.displayWidth <= width {
                out += line
            } else {
                let (prefix, body) = marker(line)
                let hanging = String(repeating: " ", count: min(prefix.displayWidth, width / 2))
                var wrapped = wrap(body, indent: prefix, hanging: hanging, width: width)
                if wrapped.hasSuffix("\n") { wrapped.removeLast() }
                out += wrapped
            }
            if i < lines.count - 1 { out += "\n" }
        }
        return out
    }

    /// Cuts a line to `width` display columns, keeping ANSI escapes intact and ending with "…".
    public static func cut(_ line: String, to width: Int) -> String {
        guard line.displayWidth > width, width > 1 else { return line }
        var out = ""
        var used = 0
        var inEscape = false
        for ch in line {
            if inEscape { out.append(ch); if ch == "m" { inEscape = false }; continue }
            if ch == "\u{1B}" { inEscape = true; out.append(ch); continue }
            if used == width - 1 { break }
            out.append(ch)
            used += 1
        }
        return out + "…" + (line.contains("\u{1B}") ? "\u{1B}[0m" : "")
    }

    /// A long argument shown in a message: at most `limit` characters, the rest counted.
    public static func quoted(_ value: String, limit: Int = 60) -> String {
        guard value.count > limit else { return value }
        return String(value.prefix(limit)) + "… (\(value.count) characters)"
    }

    /// The line's indent and list marker, and the text after them.
    static func marker(_ line: String) -> (prefix: String, body: String) {
        let indent = line.prefix { $0 == " " }
        var rest = line.dropFirst(indent.count)
        var mark = ""
        for m in ["- ", "· ", "• ", "* ", "▶ ", "✖ ", "⚠ ", "✔ "] where rest.hasPrefix(m) {
            mark = m
            break
        }
        if mark.isEmpty {
            // "12. " or "[12] "
            let digits = rest.prefix { $0.isNumber }
            if !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix(". ") {
                mark = String(digits) + ". "
            } else if rest.hasPrefix("["), let close = rest.firstIndex(of: "]"),
                      rest[rest.index(after: rest.startIndex)..<close].allSatisfy(\.isNumber),
                      rest[rest.index(after: close)...].hasPrefix(" ") {
                mark = String(rest[...close]) + " "
            }
        }
        rest = rest.dropFirst(mark.count)
        return (String(indent) + mark, String(rest))
    }

    /// The first `columns` display columns of `word` and the rest.
    static func split(_ word: String, at columns: Int) -> (String, String) {
        var head = ""
        var used = 0
        var index = word.startIndex
        var inEscape = false
        while index < word.endIndex {
            let ch = word[index]
            if inEscape { if ch == "m" { inEscape = false } }
            else if ch == "\u{1B}" { inEscape = true }
            else {
                if used == columns { break }
                used += 1
            }
            head.append(ch)
            index = word.index(after: index)
        }
        return (head, String(word[index...]))
    }
}
