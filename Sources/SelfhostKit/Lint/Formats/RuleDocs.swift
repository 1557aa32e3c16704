/// `--list-rules`, `--explain ID`, and the rule reference in docs/LINT.md, all from the rule files.
public enum RuleDocs {
    struct JSONRule: Encodable {
        var id: String
        var severity: String
        var summary: String
        var why: String
        var fix: String
        var security: Bool
        init(_ r: RuleInfo) {
            id = r.id; severity = r.severity.rawValue; summary = r.summary; why = r.why; fix = r.fix; security = r.security
        }
    }

    static func list(format: LintFormat, style: Style) -> String {
        if format == .json { return JSONOutput.encode(RuleRegistry.infos.map(JSONRule.init)) }
        var table = TextTable(headers: ["RULE", "SEVERITY", "CHECKS"])
        for r in RuleRegistry.infos { table.add([r.id, r.severity.rawValue, r.summary]) }
        return table.render(headerStyle: style.bold) + "\nExplain one: selfhost lint --explain RULE\n"
    }

    static func explain(_ r: RuleInfo, style: Style) -> String {
        var s = style.bold(r.id) + " (\(r.severity.rawValue)\(r.security ? ", security" : ""))\n\n"
        s += r.summary + "\n\n" + style.bold("Why: ") + r.why + "\n\n" + style.bold("Fix: ") + r.fix + "\n"
        if let bad = r.examples.first(where: \.triggers) {
            s += "\n" + style.bold("Triggers:") + "\n" + render(bad)
        }
        if let good = r.examples.first(where: { !$0.triggers }) {
            s += "\n" + style.bold("Passes:") + "\n" + render(good)
        }
        s += "\nDisable on one line: # selfhost-lint disable=\(r.id)\n"
        return s
    }

    static func render(_ e: RuleExample) -> String {
        e.files.map { f in
            let body = f.bytes != nil ? "(binary content: \(f.bytes!.count) bytes, not valid UTF-8)" : f.content
            var lines = body.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last?.isEmpty == true { lines.removeLast() }
            return "  \(f.path)\(f.mode.map { " (mode \(String($0, radix: 8)))" } ?? ""):\n" + lines.map { "    " + $0 }.joined(separator: "\n") + "\n"
        }.joined()
    }

    /// The rule reference section of docs/LINT.md.
    public static func markdown() -> String {
        var s = "<!-- Generated from Sources/SelfhostKit/Lint/Rules by `UPDATE_LINT_DOCS=1 swift test --filter LintDocs`; do not edit by hand. -->\n\n"
        s += "| rule | severity | checks |\n|---|---|---|\n"
        for r in RuleRegistry.infos { s += "| [`\(r.id)`](#\(r.id.replacingOccurrences(of: ".", with: ""))) | \(r.severity.rawValue) | \(r.summary.replacingOccurrences(of: "|", with: "\\|")) |\n" }
        for r in RuleRegistry.infos {
            s += "\n### \(r.id)\n\n"
            s += "**Severity:** \(r.severity.rawValue)\(r.security ? " (security)" : "")\n\n\(r.summary)\n\n**Why:** \(r.why)\n\n**Fix:** \(r.fix)\n"
            for (label, trig) in [("Triggers", true), ("Passes", false)] {
                guard let e = r.examples.first(where: { $0.triggers == trig }) else { continue }
                s += "\n\(label):\n\n"
                for f in e.files {
                    let lang = f.path.hasSuffix(".yaml") || f.path.hasSuffix(".yml") ? "yaml" : (f.path.hasSuffix(".service") || f.path.hasSuffix(".timer") ? "ini" : "")
                    s += "`\(f.path)`\(f.mode.map { " (mode \(String($0, radix: 8)))" } ?? ""):\n\n"
                    s += "```\(lang)\n" + (f.bytes != nil ? "(bytes that are not valid UTF-8)\n" : f.content) + (f.content.hasSuffix("\n") || f.bytes != nil ? "" : "\n") + "```\n\n"
                }
            }
        }
        return s
    }
}
