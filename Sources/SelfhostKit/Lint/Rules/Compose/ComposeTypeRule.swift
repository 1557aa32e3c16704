/// compose.type: values of the wrong type (a list where a mapping belongs, `yes` for a boolean…).
struct ComposeTypeRule: LintRule {
    static let info = RuleInfo(
        id: "compose.type", severity: .error,
        summary: "A compose value has the wrong type.",
        why: "Compose reads YAML 1.2, where `yes`/`no`/`on`/`off` are strings, not booleans, and it rejects a string where a list or mapping belongs; these files fail at `docker compose up`, often on the server rather than in review.",
        fix: "Use the type the specification expects: `true`/`false` for booleans, a list for `ports`, a mapping for `logging`.",
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "read_only: yes"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "ports: \"127.0.0.1:8080:80\""))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "read_only: true", "ports: [\"127.0.0.1:8080:80\"]"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.composeFiles.flatMap { f -> [Diagnostic] in
            guard let root = f.root, root.isMapping else { return [] }
            return ComposeSchema.validate(root).filter { $0.kind == .wrongType }.map {
                Self.info.finding($0.message, at: f.location($0.node), fix: $0.fix)
            }
        }
    }
}
