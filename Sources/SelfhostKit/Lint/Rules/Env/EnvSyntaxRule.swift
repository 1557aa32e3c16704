/// env.syntax: lines of a .env file compose can't read.
struct EnvSyntaxRule: LintRule {
    static let info = RuleInfo(
        id: "env.syntax", severity: .error,
        summary: "A .env line is not `KEY=VALUE`, has an invalid name, or an unterminated quote.",
        why: "compose stops with 'unexpected character' or reads a different value than intended; systemd's EnvironmentFile= parses the same file differently again.",
        fix: "Write one `KEY=VALUE` per line; quote values containing spaces or `#`.",
        examples: [
            .bad(ExampleFile(".env", "DOMAIN example.com\n", mode: 0o600)),
            .bad(ExampleFile(".env", "PASSWORD=\"unterminated\n", mode: 0o600)),
            .good(ExampleFile(".env", "# comment\nexport DOMAIN=example.com\nGREETING=\"hello world\"\nEMPTY=\n", mode: 0o600)),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.envFiles.flatMap { e in e.problems.map { Self.info.finding($0.message, at: e.source.location($0.line, $0.column)) } }
    }
}
