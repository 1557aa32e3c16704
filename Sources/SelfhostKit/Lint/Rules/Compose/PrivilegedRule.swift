/// compose.privileged: `privileged: true`.
struct PrivilegedRule: LintRule {
    static let info = RuleInfo(
        id: "compose.privileged", severity: .error,
        summary: "A container runs privileged.",
        why: "A privileged container has every capability and every host device: a compromise of the app is a compromise of the server.",
        fix: "Remove `privileged: true`; grant the one capability or device the app needs (`cap_add: [NET_BIND_SERVICE]`, `devices:`).",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "privileged: true"))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "privileged: false"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.services.compactMap { f, s in
            guard let n = s["privileged"], n.bool == true || n.string == "true" else { return nil }
            return Self.info.finding("service '\(s.name)' runs privileged", at: f.location(n))
        }
    }
}
