/// systemd.oneshot-restart: `Type=oneshot` with `Restart=always` or `on-success`.
struct OneshotRestartRule: LintRule {
    static let info = RuleInfo(
        id: "systemd.oneshot-restart", severity: .error,
        summary: "`Type=oneshot` combined with `Restart=always` or `Restart=on-success`.",
        why: "systemd refuses to load the unit ('Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services'), so it never starts at boot.",
        fix: "Use `Restart=on-failure` (or none) for a oneshot unit, or make it `Type=simple` if it runs in the foreground.",
        examples: [
            .bad("stack.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/bin/docker compose up -d\nRestart=always\n"),
            .good("stack.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/bin/docker compose up -d\nRestart=on-failure\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.units.compactMap { u in
            guard u.value("Service", "Type")?.value == "oneshot", let r = u.value("Service", "Restart"),
                  r.value == "always" || r.value == "on-success" else { return nil }
            return Self.info.finding("Type=oneshot does not allow Restart=\(r.value); systemd will refuse to load the unit", at: u.location(r, value: true))
        }
    }
}
