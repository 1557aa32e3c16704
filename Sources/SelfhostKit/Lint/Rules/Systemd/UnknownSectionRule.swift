/// systemd.unknown-section: sections systemd does not know for this unit type.
struct UnknownSectionRule: LintRule {
    static let byType: [String: Set<String>] = [
        "service": ["Unit", "Service", "Install"], "timer": ["Unit", "Timer", "Install"], "socket": ["Unit", "Socket", "Install"],
    ]

    static let info = RuleInfo(
        id: "systemd.unknown-section", severity: .error,
        summary: "A unit has a section its type does not support, or a misspelt one (`[Serivce]`).",
        why: "systemd ignores unknown sections with a log line nobody reads, so everything in them — ExecStart, hardening — is silently dropped. Sections starting `X-` are allowed for extensions.",
        fix: "Use the section the unit type expects: [Unit], [Install] and [Service], [Timer] or [Socket].",
        examples: [
            .bad("app.service", "[Unit]\nDescription=App\n[Serivce]\nExecStart=/usr/bin/app\n"),
            .bad("backup.timer", "[Unit]\nDescription=x\n[Service]\nExecStart=/bin/true\n[Timer]\nOnCalendar=daily\n"),
            .good("backup.timer", "[Unit]\nDescription=Nightly\n[Timer]\nOnCalendar=daily\nPersistent=true\n[X-Notes]\nOwner=ops\n[Install]\nWantedBy=timers.target\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for u in project.units {
            guard let allowed = Self.byType[u.unitType] else { continue }
            for s in u.sections where !allowed.contains(s.name) && !s.name.hasPrefix("X-") {
                let hint = LintSuggest.didYouMean(s.name, in: Array(allowed)).map { "; \($0)" } ?? ""
                out.append(Self.info.finding("unknown section [\(s.name.shownName)] in a .\(u.unitType) unit\(hint)", at: u.source.location(s.line, s.column)))
            }
        }
        return out
    }
}
