/// env.duplicate-key: a variable defined twice in one .env.
struct DuplicateKeyRule: LintRule {
    static let info = RuleInfo(
        id: "env.duplicate-key", severity: .warning,
        summary: "A variable is defined twice in the same .env file.",
        why: "compose keeps the last value, shell `source` keeps the last too, but people read the first; after a merge the secret in use is not the one reviewed.",
        fix: "Keep one definition.",
        examples: [
            .bad(ExampleFile(".env", "TAG=1.0\nTAG=2.0\n", mode: 0o600)),
            .good(ExampleFile(".env", "TAG=1.0\nOTHER_TAG=2.0\n", mode: 0o600)),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for e in project.envFiles {
            var first: [String: Int] = [:]
            for entry in e.entries {
                if let line = first[entry.key] {
                    out.append(Self.info.finding("\(entry.key) is already defined on line \(line); this later value wins", at: e.source.location(entry.line, entry.column)))
                } else {
                    first[entry.key] = entry.line
                }
            }
        }
        return out
    }
}
