/// compose.dup-container-name: the same `container_name` twice, across all linted files.
struct DuplicateContainerNameRule: LintRule {
    static let info = RuleInfo(
        id: "compose.dup-container-name", severity: .error,
        summary: "Two services use the same `container_name` (in one file or across files).",
        why: "Container names are global to the Docker host: the second one fails with 'Conflict. The container name is already in use'.",
        fix: "Rename one, or drop `container_name` and let compose name containers `<project>-<service>-1`.",
        examples: [
            .bad(ExampleFile("a/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("db", image: "postgres:16.4", "container_name: postgres"))),
                 ExampleFile("b/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("db", image: "postgres:16.4", "container_name: postgres")))),
            .good(ExampleFile("a/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("db", image: "postgres:16.4", "container_name: umami-db"))),
                  ExampleFile("b/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("db", image: "postgres:16.4", "container_name: listmonk-db")))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var seen: [String: (String, String)] = [:]
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            guard let n = s["container_name"], let raw = n.text else { continue }
            let name = Interpolation.resolve(raw, env: f.env) ?? raw
            if let (file, svc) = seen[name] {
                let where_ = file == f.source.path ? "service '\(svc)'" : "service '\(svc)' in \(file)"
                out.append(Self.info.finding("container_name '\(name)' is already used by \(where_)", at: f.location(n)))
            } else {
                seen[name] = (f.source.path, s.name)
            }
        }
        return out
    }
}
