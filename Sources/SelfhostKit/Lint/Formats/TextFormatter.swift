/// `path:line:col: severity: message [rule-id]`, then skipped files and a summary line.
enum TextFormatter {
    static func format(_ report: LintReport, style: Style) -> String {
        var out = ""
        for d in report.findings { out += d.styledLine(style) + "\n" }
        for s in report.skipped { out += "skipped: \(s.file): \(s.reason)\n" }
        for r in report.external {
            out += r.status == "skipped" ? "skipped: \(r.tool): \(r.detail)\n" : "ran: \(r.tool): \(r.detail)\n"
        }
        let e = report.count(.error), w = report.count(.warning), i = report.count(.info)
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let files = report.files.count
        if report.findings.isEmpty {
            out += style.green("\(plural(files, "file")) linted, no problems") + "\n"
        } else {
            out += "\(plural(files, "file")) linted: \(plural(e, "error")), \(plural(w, "warning")), \(i) info\n"
        }
        return out
    }
}
