/// One rule for line endings in every text format selfhost reads (compose and catalog YAML,
/// Caddyfile, systemd units, `.env`): `\n`, `\r\n` and a lone `\r` each end a line, as in YAML 1.2
/// (§5.4) and systemd's `read_line()`. Positions (`file:line:col`) count lines this way everywhere,
/// and columns count characters, so a CRLF file reports the same positions as its LF twin.
///
/// Note that Swift's `Character` treats `"\r\n"` as ONE character, so `text.split(separator: "\n")`
/// silently leaves a CRLF file as a single line: split with this instead.
public enum TextLines {
    /// The lines of `text` without their terminators (a text ending in a terminator ends with an
    /// empty line, as `split(omittingEmptySubsequences: false)` gives).
    ///
    /// With `yaml`, NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) end a
    /// line too, as in YAML 1.1 §5.4 and libyaml, whose marks give the positions in YAML files
    /// (found by fuzzing: a U+2028 put libyaml's line numbers past the end of the file).
    public static func split(_ text: String, yaml: Bool = false) -> [Substring] {
        var out: [Substring] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var i = start
        while i < scalars.endIndex {
            let c = scalars[i]
            if c == "\n" || c == "\r" || (yaml && (c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}")) {
                out.append(Substring(scalars[start..<i]))
                var next = scalars.index(after: i)
                if c == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                i = next
                start = next
                continue
            }
            i = scalars.index(after: i)
        }
        out.append(Substring(scalars[start..<scalars.endIndex]))
        return out
    }

    /// Whether `text` has any `\r` (CRLF or lone CR) line ending.
    public static func hasCarriageReturn(_ text: String) -> Bool { text.utf8.contains(13) }

    /// A position inside `text`: libyaml reports the end of a file without a final line break
    /// one line past it ("force new line" at the stream end), which would point at no line.
    public static func clamp(line: Int, column: Int, in text: String, yaml: Bool = true) -> (line: Int, column: Int) {
        let lines = split(text, yaml: yaml)
        guard line > lines.count else { return (max(1, line), max(1, column)) }
        let last = lines.count
        return (last, lines[last - 1].unicodeScalars.count + 1)
    }
}
