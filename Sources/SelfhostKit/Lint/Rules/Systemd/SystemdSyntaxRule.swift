/// systemd.syntax: lines a unit parser can't read.
struct SystemdSyntaxRule: LintRule {
    static let info = RuleInfo(
        id: "systemd.syntax", severity: .error,
        summary: "A unit file line is neither a section header, a `Key=Value` assignment nor a comment.",
        why: "systemd logs the line as unparsable and skips it; if it held a dependency or a hardening setting, the unit quietly runs without it.",
        fix: "Write `Key=Value` inside a `[Section]`, or comment the line with `#`.",
        examples: [
            .bad("app.service", "[Service]\nExecStart /usr/bin/app\n"),
            .bad("app.service", "Description=outside\n[Unit]\n"),
            .good("app.service", "# comment\n[Unit]\nDescription=App\n\n[Service]\nExecStart=/usr/bin/app \\\n  --flag\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.units.flatMap { u in u.problems.map { Self.info.finding($0.message, at: u.source.location($0.line, $0.column)) } }
    }
}
