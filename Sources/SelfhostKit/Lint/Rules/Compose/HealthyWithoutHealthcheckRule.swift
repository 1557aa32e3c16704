/// compose.healthy-without-healthcheck: waiting for `service_healthy` on a service with no healthcheck.
struct HealthyWithoutHealthcheckRule: LintRule {
    static let info = RuleInfo(
        id: "compose.healthy-without-healthcheck", severity: .error,
        summary: "`depends_on: {x: {condition: service_healthy}}` names a service without a healthcheck.",
        why: "Compose then fails with 'dependency failed to start: container has no healthcheck configured' (or waits forever with older versions), so the stack never comes up after a reboot.",
        fix: "Add a `healthcheck:` to the dependency (e.g. `test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]`), or use `condition: service_started`.",
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(
                ComposeRuleSupport.service("app", "depends_on:", "  db: {condition: service_healthy}"),
                ComposeRuleSupport.service("db", image: "postgres:16.4"))),
            .good("compose.yaml", ComposeRuleSupport.file(
                ComposeRuleSupport.service("app", "depends_on:", "  db: {condition: service_healthy}"),
                ComposeRuleSupport.service("db", image: "postgres:16.4", "healthcheck:", "  test: [\"CMD-SHELL\", \"pg_isready -U postgres\"]", "  interval: 10s"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            for p in s["depends_on"]?.pairs ?? [] {
                guard let dep = p.key.string, let cond = p.value["condition"], cond.text == "service_healthy",
                      let target = f.service(named: dep), !target.hasHealthcheck else { continue }
                out.append(Self.info.finding("'\(s.name)' waits for '\(dep)' to be healthy, but '\(dep)' has no healthcheck", at: f.location(cond)))
            }
        }
        return out
    }
}
