/// compose.schema: keys the compose specification does not define.
struct ComposeSchemaRule: LintRule {
    static let info = RuleInfo(
        id: "compose.schema", severity: .error,
        summary: "Unknown key in a compose file (with a did-you-mean suggestion).",
        why: "The compose specification forbids unknown properties; a misspelt key such as `restat:` or `mem_limt:` is either rejected at deploy time or, with lenient tools, silently ignored so the setting never applies.",
        fix: "Rename the key to the one suggested, or prefix it with `x-` to keep it as an extension field.",
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "restat: always"))),
            .bad("compose.yaml", "servics:\n  app:\n    image: nginx:1.27\n"),
            .good("compose.yaml", "x-defaults: &d\n  restart: unless-stopped\n" + ComposeRuleSupport.file(ComposeRuleSupport.service("app", "x-note: kept"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.composeFiles.flatMap { f -> [Diagnostic] in
            guard let root = f.root, root.isMapping else { return [] }
            return ComposeSchema.validate(root).filter { $0.kind == .unknownKey }.map {
                Self.info.finding($0.message, at: f.location($0.node), fix: $0.fix)
            }
        }
    }
}
