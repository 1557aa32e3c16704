/// caddy.undefined-env: `{$VAR}` in a directive that nothing Caddy loads defines.
struct UndefinedEnvRule: LintRule {
    static let info = RuleInfo(
        id: "caddy.undefined-env", severity: .warning,
        summary: "A `{$VAR}` placeholder without a default (outside site addresses) is defined by no linted .env, Caddy container environment or `env:` setting.",
        why: "Caddy substitutes an empty string when it parses the file: `email {$ACME_EMAIL}` becomes `email` and Caddy refuses the whole config ('Wrong argument count'); a `basic_auth` hash or an upstream becomes empty. Site addresses are covered by caddy.empty-address.",
        fix: "Define the variable where Caddy runs (the Caddy container's `environment:`/`env_file:`, or the .env next to the Caddyfile), write a default `{$VAR:value}`, or list it under `env:` in .selfhost-lint.yaml if CI sets it.",
        examples: [
            .bad("Caddyfile", "{\n\temail {$ACME_EMAIL}\n}\nexample.com {\n\trespond ok\n}\n"),
            .good(ExampleFile("Caddyfile", "{\n\temail {$ACME_EMAIL}\n}\nexample.com {\n\troot * {$SITE_ROOT:/srv}\n\tfile_server\n}\n"),
                  ExampleFile(".env", "ACME_EMAIL=ops@example.com\n", mode: 0o600)),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for c in project.caddyFiles where c.syntaxError == nil {
            let env = project.caddyEnvironment(for: c)
            let addressTokens = Set(c.sites.flatMap(\.keys).map { "\($0.line):\($0.column)" })
            var reported = Set<String>()
            for t in c.tokens where t.text.contains("{$") && !addressTokens.contains("\(t.line):\(t.column)") {
                for ph in t.envPlaceholders where ph.defaultValue == nil && !env.contains(ph.name) {
                    guard reported.insert(ph.name).inserted else { continue }
                    out.append(Self.info.finding("{$\(ph.name)} has no default and nothing Caddy loads defines \(ph.name)", at: c.location(t),
                                                 fix: "define \(ph.name) for the Caddy container or in the .env beside the Caddyfile, or write {$\(ph.name):default}"))
                }
            }
        }
        return out
    }
}
