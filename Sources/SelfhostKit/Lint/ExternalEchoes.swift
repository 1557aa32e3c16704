/// With `--with-external`, a real validator often rejects the same line one of selfhost's own rules
/// already reports (`reverse_prox` in a Caddyfile: caddy's "unrecognized directive" and
/// caddy.unknown-directive). The own rule's finding says more (a suggestion, a fix), so the tool's
/// echo on that line is dropped; a tool finding on a line no own rule reports is kept, and so is one
/// without a line of its own (reported at 1:1, e.g. systemd's "Refusing").
extension ExternalRules {
    /// `findings` without the external ones that repeat an own finding's file and line, and how many
    /// were dropped per external rule id.
    static func withoutEchoes(_ findings: [Diagnostic]) -> (kept: [Diagnostic], echoes: [String: Int]) {
        let externalIDs = Set(all.map(\.id))
        func isExternal(_ d: Diagnostic) -> Bool { d.ruleID.map(externalIDs.contains) ?? false }
        struct Line: Hashable { var file: String; var line: Int }
        var own = Set<Line>()
        for d in findings where !isExternal(d) {
            if let file = d.location?.file, let line = d.location?.line { own.insert(Line(file: file, line: line)) }
        }
        var echoes: [String: Int] = [:]
        let kept = findings.filter { d in
            guard isExternal(d), let file = d.location?.file, let line = d.location?.line,
                  !(line == 1 && d.location?.column == 1), own.contains(Line(file: file, line: line)) else { return true }
            echoes[d.ruleID!, default: 0] += 1
            return false
        }
        return (kept, echoes)
    }

    /// The `--with-external` run a rule's findings come from.
    static func tool(of ruleID: String, in run: ExternalValidators.Run) -> Bool {
        switch ruleID {
        case caddy.id: run.tool == "caddy"
        case systemd.id: run.tool == "systemd-analyze"
        default: run.tool.contains("compose")
        }
    }
}
