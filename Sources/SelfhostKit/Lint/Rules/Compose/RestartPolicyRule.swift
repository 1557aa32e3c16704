/// compose.restart: long-running services without a restart policy.
struct RestartPolicyRule: LintRule {
    static let info = RuleInfo(
        id: "compose.restart", severity: .warning,
        summary: "A service has no restart policy (or `restart: \"no\"`).",
        why: "Without one the container stays down after a crash or a reboot of the server; one-shot services (migrations that others wait for with `service_completed_successfully`) are exempt.",
        fix: "Add `restart: unless-stopped` (or `always`).",
        examples: [
            .bad("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n"),
            .bad("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    restart: \"no\"\n"),
            .good("compose.yaml", ComposeRuleSupport.file(
                ComposeRuleSupport.service("app", "depends_on:", "  migrate: {condition: service_completed_successfully}"))
                + "  migrate:\n    image: ghcr.io/example/app:1.4.2\n    command: [\"migrate\"]\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in project.composeFiles where !f.isOverride {
            var oneShot = Set<String>()
            for s in f.services {
                for p in s["depends_on"]?.pairs ?? [] where p.value["condition"]?.text == "service_completed_successfully" {
                    if let k = p.key.string { oneShot.insert(k) }
                }
            }
            for s in f.services where !oneShot.contains(s.name) {
                let policy = s.restartPolicy
                if policy == nil || policy == "no" || policy == "none" {
                    let at = s["restart"].map { f.location($0) } ?? f.location(s.key)
                    out.append(Self.info.finding("service '\(s.name)' will not come back after a crash or reboot (no restart policy)", at: at))
                }
            }
        }
        return out
    }
}
