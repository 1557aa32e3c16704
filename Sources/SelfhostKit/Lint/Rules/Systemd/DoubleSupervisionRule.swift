/// systemd.double-supervision: systemd restarts a foreground `docker compose up` while compose restarts the containers.
struct DoubleSupervisionRule: LintRule {
    static let info = RuleInfo(
        id: "systemd.double-supervision", severity: .warning,
        summary: "A unit runs `docker compose up` in the foreground with `Restart=` while the compose services also have `restart:` policies.",
        why: "Two supervisors fight: when a container exits Docker restarts it, and if `compose up` exits systemd re-runs it, recreating containers mid-restart; restart loops and 'container name already in use' follow. `Type=oneshot` + `up -d` with `RemainAfterExit=yes` leaves supervision to Docker alone.",
        fix: "Use `Type=oneshot`, `RemainAfterExit=yes`, `ExecStart=docker compose up -d` and no `Restart=` (or `Restart=on-failure` for the start command only), or drop the compose `restart:` policies.",
        examples: [
            .bad(ExampleFile("umami/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service())),
                 ExampleFile("umami.service", "[Service]\nWorkingDirectory=/opt/umami\nExecStart=/usr/bin/docker compose up\nRestart=always\n")),
            .good(ExampleFile("umami/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service())),
                  ExampleFile("umami.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nWorkingDirectory=/opt/umami\nExecStart=/usr/bin/docker compose up -d\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for u in project.units {
            guard let restart = u.value("Service", "Restart"), restart.value != "no", !restart.value.isEmpty else { continue }
            for t in ComposeUnitTarget.all(in: u) where t.command == "up" && !t.detached {
                let files = t.composeFiles(in: project).files
                guard let (f, s) = files.flatMap({ f in f.services.map { (f, $0) } }).first(where: { _, s in
                    if let p = s.restartPolicy { return p != "no" && p != "none" }
                    return false
                }) else { continue }
                out.append(Self.info.finding("Restart=\(restart.value) supervises `docker compose up` while service '\(s.name)' in \(f.source.path) has restart: \(s.restartPolicy!)", at: u.location(restart)))
            }
        }
        return out
    }
}
