/// systemd.bad-value: values systemd can't parse for their key.
struct BadValueRule: LintRule {
    static let info = RuleInfo(
        id: "systemd.bad-value", severity: .error,
        summary: "A systemd setting has a value that does not parse (booleans, `ProtectSystem=`, `Type=`, `Restart=`, time spans, sizes, `OnCalendar=` shorthands).",
        why: "systemd logs 'Failed to parse …, ignoring' and drops the setting, so `ProtectSystem=stricct` leaves the whole filesystem writable while the unit looks hardened; `systemd-analyze verify` exits 0.",
        fix: "Use one of the values systemd documents for the key (see `man systemd.exec`, `systemd.service`).",
        examples: [
            .bad("app.service", "[Service]\nExecStart=/usr/bin/app\nProtectSystem=stricct\n"),
            .bad("app.service", "[Service]\nExecStart=/usr/bin/app\nNoNewPrivileges=ja\n"),
            .bad("app.service", "[Service]\nExecStart=/usr/bin/app\nTimeoutStartSec=5 minutes please\n"),
            .bad("backup.timer", "[Timer]\nOnCalendar=dialy\n"),
            .good("backup.timer", "[Timer]\nOnCalendar=daily\nPersistent=true\n"),
            .good("app.service", "[Service]\nType=notify\nExecStart=/usr/bin/app\nProtectSystem=strict\nProtectHome=read-only\nNoNewPrivileges=yes\nPrivateTmp=true\nTimeoutStartSec=5min 30s\nMemoryMax=1G\nRestart=on-failure\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for u in project.units {
            for a in u.assignments {
                guard let type = SystemdDirectives.sections[a.section]?[a.key] else { continue }
                if let problem = SystemdValues.problem(key: a.key, value: a.value, type: type) {
                    out.append(Self.info.finding(problem + "; systemd ignores the line", at: u.location(a, value: true)))
                }
            }
        }
        return out
    }
}
