/// caddy.upstream-network: the upstream service shares no network with the Caddy container.
struct UpstreamNetworkRule: LintRule {
    static let info = RuleInfo(
        id: "caddy.upstream-network", severity: .error,
        summary: "A `reverse_proxy` upstream is a compose service on no network the Caddy container is on.",
        why: "Containers only resolve and reach each other on a shared network; across compose projects each `default` network is separate (`<project>_default`). The site answers 502 ('no such host').",
        fix: "Attach both services to one network: an `external: true` network shared by the projects, or the same network key in one project.",
        examples: [
            .bad(ExampleFile("compose.yaml", CaddyExamples.stack), ExampleFile("Caddyfile", "db.example.com {\n\treverse_proxy db:5432\n}\n")),
            .bad(ExampleFile("proxy/compose.yaml", "services:\n  caddy:\n    image: caddy:2.8.4\n    volumes: [\"./Caddyfile:/etc/caddy/Caddyfile:ro\"]\n"),
                 ExampleFile("proxy/Caddyfile", "app.example.com {\n\treverse_proxy app:3000\n}\n"),
                 ExampleFile("app/compose.yaml", "services:\n  app:\n    image: ghcr.io/example/app:1.4.2\n    expose: [\"3000\"]\n")),
            .good(ExampleFile("compose.yaml", CaddyExamples.stack), ExampleFile("Caddyfile", "app.example.com {\n\treverse_proxy app:3000\n}\n")),
            .good(ExampleFile("proxy/compose.yaml", "services:\n  caddy:\n    image: caddy:2.8.4\n    volumes: [\"./Caddyfile:/etc/caddy/Caddyfile:ro\"]\n    networks: [edge]\nnetworks:\n  edge:\n    name: edge\n"),
                  ExampleFile("proxy/Caddyfile", "app.example.com {\n\treverse_proxy app:3000\n}\n"),
                  ExampleFile("app/compose.yaml", "services:\n  app:\n    image: ghcr.io/example/app:1.4.2\n    expose: [\"3000\"]\n    networks: [edge]\nnetworks:\n  edge:\n    external: true\n")),
        ])

    /// A network list for a message: the first few, then a count.
    static func list(_ names: Set<String>) -> String {
        let sorted = names.sorted()
        if sorted.isEmpty { return "no network" }
        if sorted.count <= 4 { return sorted.joined(separator: ", ") }
        return sorted.prefix(3).joined(separator: ", ") + " and \(sorted.count - 3) more"
    }

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for c in project.caddyFiles where c.syntaxError == nil {
            guard let (cf, caddy) = project.caddyContainer(for: c), caddy["network_mode"]?.text != "host" else { continue }
            let caddyNets = project.networkNames(of: caddy, in: cf)
            for (_, u) in c.upstreams where !u.isLocal && !u.host.contains(".") {
                let matches = project.services(answering: u.host)
                guard !matches.isEmpty else { continue }
                let reachable = matches.contains { f, s in
                    if s["network_mode"]?.text == "service:\(caddy.name)" { return true }
                    return !project.networkNames(of: s, in: f).isDisjoint(with: caddyNets)
                }
                if !reachable, let (f, s) = matches.first {
                    let theirs = Self.list(project.networkNames(of: s, in: f))
                    let who = u.host == s.name ? "service '\(s.name)'" : "'\(u.host)' (service '\(s.name)')"
                    out.append(Self.info.finding("\(who) in \(f.source.path) is on \(theirs), none of which Caddy service '\(caddy.name)' joins (\(Self.list(caddyNets)))", at: c.location(u.token),
                                                 fix: "attach '\(s.name)' and Caddy to one network (an external network both compose files name)"))
                }
            }
        }
        return out
    }
}
