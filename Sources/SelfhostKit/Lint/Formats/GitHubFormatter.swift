/// `--format github`: workflow commands GitHub Actions turns into annotations on the diff.
enum GitHubFormatter {
    /// Message data: `%` → `%25`, CR → `%0D`, LF → `%0A`.
    static func escapeData(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Property values additionally escape `:` and `,`.
    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    static func format(_ report: LintReport) -> String {
        var out = ""
        for d in report.findings {
            let command: String = switch d.severity {
            case .error: "error"
            case .warning: "warning"
            case .info: "notice"
            }
            var props: [String] = []
            if let l = d.location {
                props.append("file=\(escapeProperty(l.file))")
                if let line = l.line { props.append("line=\(line)") }
                if let col = l.column { props.append("col=\(col)") }
            }
            props.append("title=\(escapeProperty(d.ruleID ?? "selfhost-lint"))")
            var message = d.message
            if let fix = d.fix { message += "\nFix: " + fix }
            out += "::\(command) \(props.joined(separator: ","))::\(escapeData(message))\n"
        }
        return out
    }
}
