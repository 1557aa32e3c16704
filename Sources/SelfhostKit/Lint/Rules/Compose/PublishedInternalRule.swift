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
            // Only the published port leading to what Caddy proxies counts: mattermost's Calls port 8443 is meant to be public.
            .good(ExampleFile("compose.yaml", ComposeRuleSupport.file(
                    ComposeRuleSupport.service("caddy", image: "caddy:2.8.4", "ports: [\"80:80\", \"443:443\"]", "volumes: [\"./Caddyfile:/etc/caddy/Caddyfile:ro\"]"),
                    ComposeRuleSupport.service("mattermost", image: "mattermost/mattermost-team-edition:9.11", "ports: [\"8443:8443/udp\", \"8443:8443/tcp\"]"))),
                  ExampleFile("Caddyfile", "chat.example.com {\n\treverse_proxy mattermost:8065\n}\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        // Container ports Caddy proxies to, by upstream host name.
        var proxied: [String: Set<Int>] = [:]
        // Host ports a Caddy on the host proxies to (reverse_proxy localhost:PORT).
        var proxiedPorts = Set<Int>()
        for c in project.caddyFiles {
            for (_, u) in c.upstreams { if u.isLocal { proxiedPorts.insert(u.port) } else { proxied[u.host, default: []].insert(u.port) } }
        }
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            let isDatabase = s.imageBaseName.map { ComposeRuleSupport.databaseImages.contains($0) } ?? false
            let byName = (proxied[s.name] ?? []).union(s["container_name"]?.text.flatMap { proxied[$0] } ?? [])
            for p in s.ports(env: f.env) where !p.isLoopback {
                // Only the published ports that lead to what Caddy proxies; other ports (a Calls/TURN port) are the app's own.
                let isProxied = byName.contains(where: p.containerRange.contains) || p.hostRange.map { h in proxiedPorts.contains(where: h.contains) } == true
                guard isDatabase || isProxied else { continue }
                out.append(Self.finding(p, service: s, file: f, database: isDatabase))
            }
        }
        return out
    }

    /// The finding for one published port, with a fix quoting that port's own loopback form.
    static func finding(_ p: PortSpec, service s: ComposeService, file f: ComposeFile, database: Bool) -> Diagnostic {
        let what = database ? "database service '\(s.name)' (\(s.imageBaseName ?? ""))" : "service '\(s.name)', which Caddy proxies to,"
        let port = p.hostRange?.portText ?? "a random port"
        let container = p.containerRange.portText
        let loopback = "127.0.0.1:\(p.hostRange?.portText ?? container):\(container)"
        let fix = database
            ? "remove this `ports:` entry and let other containers reach it over a compose network (`expose: [\"\(container)\"]` documents the port); if you need it from the host, bind loopback: `\(loopback)`"
            : "remove this `ports:` entry: Caddy reaches '\(s.name)' on \(container) over a compose network; if a Caddy on the host proxies to it, bind loopback: `\(loopback)`"
        return info.finding("\(what) is published on \(p.hostIP ?? "every address"):\(port)", at: f.source.location(p.line, p.column),
                            fix: fix, severity: database ? .error : .warning)
    }
}
