import Foundation

/// caddy.empty-address: a site address made only of `{$VAR}` placeholders that nothing defines.
struct EmptyAddressRule: LintRule {
    static let info = RuleInfo(
        id: "caddy.empty-address", severity: .error,
        summary: "A site address is an environment placeholder (`{$DOMAIN}`) with no default that no linted .env, Caddy container environment or `env:` setting defines.",
        why: "Caddy substitutes an empty string: the site block silently turns into the global options block ('unrecognized global option: reverse_proxy') or serves the wrong host.",
        fix: "Define the variable where Caddy runs (the Caddy container's `environment:`/`env_file:`, or the .env next to the Caddyfile), give a default `{$DOMAIN:example.com}`, or list it under `env:` in .selfhost-lint.yaml if CI sets it.",
        examples: [
            .bad("Caddyfile", "{$DOMAIN} {\n\treverse_proxy localhost:3000\n}\n"),
            .good("Caddyfile", "{$DOMAIN:example.com} {\n\treverse_proxy localhost:3000\n}\n"),
            .good(ExampleFile("Caddyfile", "{$DOMAIN} {\n\treverse_proxy localhost:3000\n}\n"), ExampleFile(".env", "DOMAIN=example.com\n", mode: 0o600)),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for c in project.caddyFiles where c.syntaxError == nil {
            let env = project.caddyEnvironment(for: c)
            for site in c.sites {
                // The address survives when any key keeps text after substitution.
                var survives = false
                var missing: [(String, CaddyToken)] = []
                for key in site.keys {
                    var rest = key.text
                    for ph in key.envPlaceholders {
                        let token = ph.defaultValue == nil ? "{$\(ph.name)}" : "{$\(ph.name):\(ph.defaultValue!)}"
                        let value = env.contains(ph.name) ? "set" : (ph.defaultValue ?? "")
                        if value.isEmpty { missing.append((ph.name, key)) }
                        rest = rest.replacingOccurrences(of: token, with: value)
                    }
                    if !rest.trimmingCharacters(in: CharacterSet(charactersIn: ", ")).isEmpty { survives = true }
                }
                if !survives, let (name, token) = missing.first {
                    out.append(Self.info.finding("site address {$\(name)} is empty unless \(name) is set, and nothing linted sets it", at: c.location(token),
                                                 fix: "define \(name) where Caddy runs, or write {$\(name):default}"))
                }
            }
        }
        return out
    }
}
