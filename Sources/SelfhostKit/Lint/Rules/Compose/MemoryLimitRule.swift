/// compose.mem-limit: no memory limit.
struct MemoryLimitRule: LintRule {
    static let info = RuleInfo(
        id: "compose.mem-limit", severity: .warning,
        summary: "A service has no memory limit (`mem_limit` or `deploy.resources.limits.memory`).",
        why: "On a box shared by many apps, one leaking container drives the kernel's OOM killer, which may pick the database instead of the culprit.",
        fix: "Add `mem_limit: 512m` (sized from the app's documented needs), or `deploy.resources.limits.memory`.",
        examples: [
            .bad("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n"),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service())),
            .good("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    deploy:\n      resources:\n        limits: {memory: 256M}\n"),
            .good(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "networks: [web]")) + "networks:\n  web:\n"),
                  ExampleFile("compose.override.yaml", "services:\n  app:\n    environment: {DEBUG: \"1\"}\n    networks: [web]\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.services.compactMap { f, s in
            if f.isOverride { return nil }
            if s["mem_limit"] != nil || s["deploy"]?["resources"]?["limits"]?["memory"] != nil { return nil }
            return Self.info.finding("service '\(s.name)' has no memory limit", at: f.location(s.key))
        }
    }
}
