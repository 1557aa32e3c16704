/// compose.syntax: the file must be YAML whose top level is a mapping with `services`.
struct ComposeSyntaxRule: LintRule {
    static let info = RuleInfo(
        id: "compose.syntax", severity: .error,
        summary: "The compose file is not valid YAML or not a compose mapping.",
        why: "Compose refuses to start anything from a file it cannot parse; aliases that expand without bound (billion laughs) and absurd nesting are refused here too.",
        fix: "Fix the YAML at the reported position; the top level must be a mapping with `services:`.",
        examples: [
            .bad("compose.yaml", "services:\n  app:\n    image: [unclosed\n"),
            .bad("compose.yaml", "- just\n- a list\n"),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service())),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in project.composeFiles {
            if let e = f.loadError {
                out.append(Self.info.finding(e.message, at: e.location ?? f.source.location(1, 1)))
            } else if let root = f.root, !root.isMapping {
                out.append(Self.info.finding("the top level must be a mapping (with `services:`), found \(root.typeName)", at: f.location(root)))
            } else if f.root == nil {
                out.append(Self.info.finding("the file is empty", at: f.source.location(1, 1), severity: .warning))
            }
        }
        return out
    }
}
