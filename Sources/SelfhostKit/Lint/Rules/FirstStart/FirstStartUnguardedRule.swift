/// caddy.first-start-unguarded: a Caddy site in front of an app whose fresh install a stranger
/// could claim, with no authentication in front of it.
struct FirstStartUnguardedRule: LintRule {
    static let authDirectives: Set<String> = ["basicauth", "basic_auth", "forward_auth"]

    static let info = RuleInfo(
        id: "caddy.first-start-unguarded", severity: .warning,
        summary: "A site proxies to a catalog app whose first start can only be closed from its web page (installer, first admin, default login), with no `basicauth`/`forward_auth` in front.",
        why: "The catalog's first_start says upstream offers no setting to preseed these apps: until the owner has finished the setup, whoever reaches the public host first claims it. Certificate Transparency logs publish the host name within minutes of Caddy's certificate.",
        fix: "Put `basicauth { owner <bcrypt hash> }` in the site block (`caddy hash-password`, or `selfhost render`'s setup gate) until the setup is done; then remove it and add `# selfhost-lint disable=caddy.first-start-unguarded` before `reverse_proxy`.",
        security: true,
        examples: [
            .bad(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("umami", image: "ghcr.io/umami-software/umami:3.4.0"),
                                                                      ComposeRuleSupport.service("caddy", image: "caddy:2.11.4-alpine", "volumes: [\"./Caddyfile:/etc/caddy/Caddyfile:ro\"]"))),
                 ExampleFile("Caddyfile", "stats.example.com {\n\treverse_proxy umami:3000\n}\n")),
            .good(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("umami", image: "ghcr.io/umami-software/umami:3.4.0"),
                                                                       ComposeRuleSupport.service("caddy", image: "caddy:2.11.4-alpine", "volumes: [\"./Caddyfile:/etc/caddy/Caddyfile:ro\"]"))),
                  ExampleFile("Caddyfile", "stats.example.com {\n\tbasicauth {\n\t\towner $2a$10$JCI3T1h3H9wFMEidFRQrf.bnOqjsJnGRlWX0LMmGD0e75vncpPGqK\n\t}\n\treverse_proxy umami:3000\n}\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for c in project.caddyFiles where c.syntaxError == nil {
            for site in c.sites {
                let directives = c.expanded(site.directives)
                if Self.uses(directives, Self.authDirectives) { continue }
                let address = site.keys.first?.text ?? ""
                for (s, u) in c.upstreams where s == address {
                    for (_, service) in project.services(answering: u.host) {
                        guard let (app, fs) = FirstStartSupport.app(service), fs.closedBy == .gate else { continue }
                        out.append(Self.info.finding(
                            "site \(address) proxies to \(app.name) ('\(service.name)') without authentication: until its setup is done its first visitor can claim it (\(FirstStartSupport.citation(app, fs)))",
                            at: c.location(u.token)))
                    }
                }
            }
        }
        return out
    }

    static func uses(_ directives: [CaddyDirective], _ names: Set<String>) -> Bool {
        directives.contains { names.contains($0.name.text) || Self.uses($0.block ?? [], names) }
    }
}
