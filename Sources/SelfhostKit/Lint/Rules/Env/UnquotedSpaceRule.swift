/// env.unquoted-space: values with spaces and no quotes.
struct UnquotedSpaceRule: LintRule {
    static let info = RuleInfo(
        id: "env.unquoted-space", severity: .warning,
        summary: "A .env value contains spaces but is not quoted.",
        why: "compose v2 keeps the spaces, compose v1 and systemd's EnvironmentFile= keep them too, but `source .env` in a backup script runs the second word as a command; quoting makes every reader agree.",
        fix: "Quote the value: KEY=\"two words\".",
        examples: [
            .bad(ExampleFile(".env", "SITE_NAME=My Team Chat\n", mode: 0o600)),
            .good(ExampleFile(".env", "SITE_NAME=\"My Team Chat\"\nOTHER='a b'\nTAG=1.0 # trailing comment\n", mode: 0o600)),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.envFiles.flatMap { e in
            e.entries.filter { !$0.quoted && $0.value.contains(where: { $0 == " " || $0 == "\t" }) }.map {
                Self.info.finding("value of \($0.key) has unquoted spaces", at: e.source.location($0.line, $0.valueColumn), fix: "write \($0.key)=\"\($0.value)\"")
            }
        }
    }
}
