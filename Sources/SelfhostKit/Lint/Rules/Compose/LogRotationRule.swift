/// compose.log-rotation: json-file logs without `max-size`.
struct LogRotationRule: LintRule {
    static let info = RuleInfo(
        id: "compose.log-rotation", severity: .warning,
        summary: "A service logs with the json-file driver (Docker's default) without `max-size`, so its log grows until the disk is full.",
        why: "Docker never rotates json-file logs unless told to; a chatty container fills the disk and takes the database down with it. Set it per service, or in /etc/docker/daemon.json and disable this rule.",
        fix: "Add `logging: {driver: json-file, options: {max-size: 10m, max-file: \"3\"}}` (or use the `local` driver).",
        examples: [
            .bad("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n"),
            .bad("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    logging:\n      driver: json-file\n"),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service())),
            .good("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    logging: {driver: local}\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.services.compactMap { f, s in
            if f.isOverride && s["logging"] == nil { return nil }
            let logging = s["logging"]
            let driver = logging?["driver"]?.text ?? "json-file"
            guard driver == "json-file" else { return nil }
            if logging?["options"]?["max-size"] != nil { return nil }
            return Self.info.finding("service '\(s.name)' keeps json-file logs without max-size", at: logging.map { f.location($0) } ?? f.location(s.key))
        }
    }
}
