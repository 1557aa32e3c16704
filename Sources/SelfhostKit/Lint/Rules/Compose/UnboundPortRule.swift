/// compose.unbound-port: a port published on every address.
struct UnboundPortRule: LintRule {
    static let info = RuleInfo(
        id: "compose.unbound-port", severity: .warning,
        summary: "A port is published on every address (0.0.0.0 / ::) instead of a chosen one.",
        why: "Docker's port publishing bypasses ufw and firewalld, so `\"8080:80\"` is open to the internet whatever the firewall says. Only the reverse proxy's 80/443 (and ports or ranges such as `8000-8010` listed in `public_ports:` of .selfhost-lint.yaml) should be public.",
        fix: "Bind to loopback (`\"127.0.0.1:8080:80\"`) and reach it through the reverse proxy, or list the port under `public_ports:` in .selfhost-lint.yaml if it is meant to be public.",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "ports: [\"8080:80\"]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "ports:", "  - target: 80", "    published: 8080"))),
            .good("compose.yaml", ComposeRuleSupport.file(
                ComposeRuleSupport.service("app", "ports: [\"127.0.0.1:8080:80\", \"${BIND_IP:-127.0.0.1}:8443:443\"]"),
                ComposeRuleSupport.service("caddy", image: "caddy:2.8.4", "ports: [\"80:80\", \"443:443\", \"443:443/udp\"]"))),
            .good(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("mail", image: "ghcr.io/example/mail:1.0", "ports: [\"25:25\"]"))),
                  ExampleFile(".selfhost-lint.yaml", "public_ports: [25]\n")),
            .good(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("media", image: "ghcr.io/example/media:1.0", "ports: [\"8000-8010:8000-8010\", \"[::]:8005:8005\"]"))),
                  ExampleFile(".selfhost-lint.yaml", "public_ports: [\"8000-8010\"]\n")),
            .bad(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("media", image: "ghcr.io/example/media:1.0", "ports: [\"8000-8011:8000-8011\"]"))),
                 ExampleFile(".selfhost-lint.yaml", "public_ports: [8000-8010]\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            let isProxy = s.imageBaseName.map { ComposeRuleSupport.proxyImages.contains($0) } ?? false
            for p in s.ports(env: f.env) where p.bindsAllAddresses {
                guard let host = p.hostRange else { continue }  // random host port: still public, but reported by compose.published-internal when it matters
                var allowed = project.config.publicPorts
                if isProxy { allowed.insert(80...80); allowed.insert(443...443) }
                if allowed.contains(host) { continue }
                let ports = host.portText
                out.append(Self.info.finding("service '\(s.name)' publishes port \(ports)/\(p.proto) on every address, past the host firewall",
                                             at: f.source.location(p.line, p.column),
                                             fix: "bind it to loopback: \"127.0.0.1:\(ports):\(p.containerRange.portText)\""))
            }
        }
        return out
    }
}
