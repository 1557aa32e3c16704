/// compose.restart-value: a `restart:` value Compose does not know (`allways`).
struct RestartValueRule: LintRule {
    static let info = RuleInfo(
        id: "compose.restart-value", severity: .error,
        summary: "A service's `restart:` is not one of `no`, `always`, `on-failure[:N]`, `unless-stopped`.",
        why: "`docker compose config` accepts any string here (the Compose schema lists no values), but the Docker Engine refuses to create the container ('invalid restart policy'), so the typo only shows when `docker compose up` runs on the server, and the service does not start.",
        fix: "Use `unless-stopped` (or `always`, `on-failure`, `on-failure:5`, `\"no\"`).",
        examples: [
            .bad("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    restart: allways\n"),
            .bad("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    restart: on-failure:x\n"),
            .good("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    restart: on-failure:5\n  web:\n    image: nginx:1.27\n    restart: ${RESTART:-unless-stopped}\n"),
        ])

    static let values = ["no", "always", "on-failure", "unless-stopped"]

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for f in project.composeFiles {
            for s in f.services {
                guard let node = s["restart"], let value = node.text, !value.contains("$") else { continue }
                if Self.values.contains(value) { continue }
                if value.hasPrefix("on-failure:"), let n = Int(value.dropFirst("on-failure:".count)), n >= 0 { continue }
                let hint = LintSuggest.didYouMean(value, in: Self.values).map { "; \($0)" } ?? ""
                out.append(Self.info.finding("service '\(s.name)' has restart: \(value), which Compose rejects\(hint)", at: f.location(node)))
            }
        }
        return out
    }
}
