import Yams

/// libyaml says "found character that cannot start any token" for a tab in indentation; this
/// names the tab, so the message says what to change.
enum YAMLTabHint {
    /// " — a tab: YAML indents with spaces only" when the character at `mark` (1-based line and
    /// column) is a tab, else "".
    static func note(at mark: Mark, in yaml: String) -> String {
        guard mark.line >= 1 else { return "" }
        var line = 1
        var column = 1
        for ch in yaml.unicodeScalars {
            if line == mark.line {
                if ch == "\n" { return "" }
                if column == mark.column { return ch == "\t" ? " — a tab: YAML indents with spaces only" : "" }
                column += 1
            } else if ch == "\n" {
                line += 1
                if line > mark.line { return "" }
            }
        }
        return ""
    }
}
