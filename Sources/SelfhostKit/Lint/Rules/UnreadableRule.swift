/// lint.unreadable: a file that matched by name but can't be read as text.
struct UnreadableRule: LintRule {
    static let info = RuleInfo(
        id: "lint.unreadable", severity: .error,
        summary: "A compose file, Caddyfile, unit or .env is not readable text (invalid UTF-8, permission denied).",
        why: "Every tool that reads the file will fail on it too; the position of the first invalid byte is reported. Binary files and files over 4 MiB are skipped with a reason instead.",
        fix: "Save the file as UTF-8 text, or make it readable.",
        examples: [
            .bad(ExampleFile("compose.yaml", bytes: Array("services:\n  app:\n    image: caf".utf8) + [0xE9, 0x0A])),
            .good("compose.yaml", "services:\n  app:\n    image: \"café:1.0\"\n"),
        ])

    /// Reported by discovery, before any parser runs.
    func check(_ project: LintProject) -> [Diagnostic] { [] }
}

/// external.*: messages from the real validators, run with `--with-external`.
enum ExternalRules {
    static let caddy = RuleInfo(
        id: "external.caddy", severity: .error,
        summary: "`caddy validate --adapter caddyfile` rejected the Caddyfile.",
        why: "The real Caddy loads every module the config uses (TLS files, plugins); what it rejects will not start.",
        fix: "Read Caddy's message; fix the line it names.", examples: [])
    static let systemd = RuleInfo(
        id: "external.systemd-analyze", severity: .error,
        summary: "`systemd-analyze verify` reported a problem with the unit.",
        why: "systemd's own loader: missing ExecStart binaries, missing Requires=/Wants= units, invalid combinations. Messages that systemd merely ignores are warnings.",
        fix: "Read systemd's message; fix the line it names.", examples: [])
    static let compose = RuleInfo(
        id: "external.compose", severity: .error,
        summary: "`docker compose config` (or `docker-compose config`) rejected the compose file.",
        why: "The real compose implementation's validation: what it rejects will not deploy.",
        fix: "Read compose's message; fix the key it names.", examples: [])
    static let all = [caddy, systemd, compose]
}
