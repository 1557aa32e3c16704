import Foundation

/// systemd.timer-target: a timer whose service is neither linted alongside it nor installed here.
struct TimerTargetRule: LintRule {
    static let info = RuleInfo(
        id: "systemd.timer-target", severity: .warning,
        summary: "A `.timer` activates a service (`Unit=`, or the `.service` of the same name) that is not among the linted units or installed on this machine.",
        why: "systemd accepts the timer and then logs 'Refusing to start, unit … to trigger not loaded' at every elapse: the backup or renewal it was meant to run never happens, and nothing fails loudly.",
        fix: "Ship the service next to the timer (same name, `.service`), or point `Unit=` at the service's real name.",
        examples: [
            .bad(ExampleFile("backup.timer", "[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=timers.target\n"),
                 ExampleFile("other.service", "[Service]\nType=oneshot\nExecStart=/bin/true\nNoNewPrivileges=yes\nProtectSystem=strict\nProtectHome=yes\nPrivateTmp=yes\n")),
            .bad(ExampleFile("backup.timer", "[Timer]\nOnCalendar=daily\nUnit=backups.service\n"),
                 ExampleFile("backup.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n")),
            .good(ExampleFile("backup.timer", "[Timer]\nOnCalendar=daily\nPersistent=true\n[Install]\nWantedBy=timers.target\n"),
                  ExampleFile("backup.service", "[Service]\nType=oneshot\nExecStart=/bin/true\n")),
        ])

    static let systemDirectories = ["/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"]

    func check(_ project: LintProject) -> [Diagnostic] {
        let linted = Set(project.units.map { $0.source.url.lastPathComponent })
        return project.units.compactMap { u in
            guard u.unitType == "timer" else { return nil }
            let explicit = u.value("Timer", "Unit")
            let target = explicit?.value ?? (u.source.url.deletingPathExtension().lastPathComponent + ".service")
            if target.contains("%") || linted.contains(target) { return nil }
            if Self.systemDirectories.contains(where: { FileManager.default.fileExists(atPath: "\($0)/\(target)") }) { return nil }
            let at = explicit.map { u.location($0, value: true) } ?? u.sections.first { $0.name == "Timer" }.map { u.source.location($0.line, $0.column) } ?? u.source.location(1, 1)
            let hint = LintSuggest.didYouMean(target, in: Array(linted.filter { $0.hasSuffix(".service") })).map { "; \($0)" } ?? ""
            return Self.info.finding("timer activates \(target), which is not among the linted units or installed here\(hint)", at: at)
        }
    }
}
