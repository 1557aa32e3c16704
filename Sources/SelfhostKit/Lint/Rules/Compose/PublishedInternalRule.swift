/// compose.published-internal: databases, and services Caddy proxies to, published beyond loopback.
struct PublishedInternalRule: LintRule {
    static let info = RuleInfo(
        id: "compose.published-internal", severity: .error,
        summary: "A database, or a service that sits behind the reverse proxy, is published on a host port reachable from outside.",
        why: "Docker writes its own iptables rules, so a published port is open to the internet even when ufw says deny (moby/moby#4737, #22054). A database there is brute-forced within hours; an app behind Caddy published directly skips TLS, headers and any auth Caddy adds.",
        fix: "Remove `ports:` and let other containers reach it over a compose network (`expose:` documents the port); if you need it from the host, bind loopback: `127.0.0.1:5432:5432`.",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("db", image: "postgres:16.4", "ports: [\"5432:5432\"]"))),
            .bad(ExampleFile("compose.yaml", ComposeRuleSupport.file(
                    ComposeRuleSupport.service("caddy", image: "caddy:2.8.4", "ports: [\"80:80\", \"443:443\"]", "volumes: [\"./Caddyfile:/etc/caddy/Caddyfile:ro\"]"),
                    ComposeRuleSupport.service("app", "ports: [\"0.0.0.0:3000:3000\"]"))),
                 ExampleFile("Caddyfile", "app.example.com {\n\treverse_proxy app:3000\n}\n")),
            .bad(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "ports: [\"8080:3000\"]"))),
                 ExampleFile("Caddyfile", "app.example.com {\n\treverse_proxy localhost:8080\n}\n")),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("db", image: "postgres:16.4", "ports: [\"127.0.0.1:5432:5432\"]", "expose: [\"5432\"]"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        // Services some Caddyfile proxies to, by name.
        var proxied = Set<String>()
        // Host ports a Caddy on the host proxies to (reverse_proxy localhost:PORT).
        var proxiedPorts = Set<Int>()
        for c in project.caddyFiles {
            for (_, u) in c.upstreams { if u.isLocal { proxiedPorts.insert(u.port) } else { proxied.insert(u.host) } }
        }
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            let isDatabase = s.imageBaseName.map { ComposeRuleSupport.databaseImages.contains($0) } ?? false
            let byName = proxied.contains(s.name) || (s["container_name"]?.text).map(proxied.contains) == true
            for p in s.ports(env: f.env) where !p.isLoopback {
                let isProxied = byName || p.hostPorts.contains(where: proxiedPorts.contains)
                guard isDatabase || isProxied else { continue }
                let what = isDatabase ? "database service '\(s.name)' (\(s.imageBaseName ?? ""))" : "service '\(s.name)', which Caddy proxies to,"
                let port = p.hostPorts.first.map(String.init) ?? "a random port"
                out.append(Self.info.finding("\(what) is published on \(p.hostIP ?? "every address"):\(port)", at: f.source.location(p.line, p.column),
                                             severity: isDatabase ? .error : .warning))
            }
        }
        return out
    }
}
