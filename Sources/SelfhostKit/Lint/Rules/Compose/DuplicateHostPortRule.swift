/// compose.dup-host-port: two services, in any of the linted files, publishing the same host port.
struct DuplicateHostPortRule: LintRule {
    static let info = RuleInfo(
        id: "compose.dup-host-port", severity: .error,
        summary: "The same host port (and protocol) is published twice across all linted compose files, or clashes with a Caddy running on the host.",
        why: "The second stack fails at start with 'port is already allocated' — usually on the server, days after the file was merged, because `docker compose config` checks one file and never ports.",
        fix: "Give one of them another host port (the container port can stay the same), or bind them to different addresses.",
        examples: [
            .bad(ExampleFile("a/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("web", "ports: [\"127.0.0.1:8080:80\"]"))),
                 ExampleFile("b/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("api", "ports: [\"127.0.0.1:8080:3000\"]")))),
            .bad(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("web", image: "nginx:1.27", "ports: [\"80:80\"]"))),
                 ExampleFile("Caddyfile", "example.com {\n\treverse_proxy localhost:8080\n}\n")),
            .good(ExampleFile("a/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("web", "ports: [\"127.0.0.1:8080:80\", \"127.0.0.1:5353:53/udp\"]"))),
                  ExampleFile("b/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("api", "ports: [\"127.0.0.1:8081:3000\", \"127.0.0.1:5353:53/tcp\"]")))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        struct Use { var service: String; var file: String; var ip: String?; var location: SourceLocation }
        var byPort: [String: [Use]] = [:]
        for (f, s) in project.services {
            for p in s.ports(env: f.env) {
                for port in p.hostPorts {
                    let ip = p.bindsAllAddresses ? nil : p.hostIP
                    byPort["\(port)/\(p.proto)", default: []].append(Use(service: s.name, file: f.source.path, ip: ip, location: f.source.location(p.line, p.column)))
                }
            }
        }
        // Caddy on the host (no compose service runs the linted Caddyfile) holds 80 and 443.
        for c in project.caddyFiles where project.caddyContainer(for: c) == nil && !project.composeFiles.isEmpty {
            for port in ["80/tcp", "443/tcp", "443/udp"] {
                byPort[port, default: []].insert(Use(service: "caddy (on the host)", file: c.source.path, ip: nil, location: c.source.location(1, 1)), at: 0)
            }
        }
        var out: [Diagnostic] = []
        for (port, uses) in byPort.sorted(by: { $0.key < $1.key }) where uses.count > 1 {
            for (i, use) in uses.enumerated() where i > 0 {
                // Two different specific addresses do not clash; every-address clashes with anything.
                guard let first = uses[..<i].first(where: { $0.ip == nil || use.ip == nil || $0.ip == use.ip }) else { continue }
                if use.service.hasPrefix("caddy (") { continue }
                let other = first.file == use.file ? "service '\(first.service)'" : "service '\(first.service)' in \(first.file)"
                out.append(Self.info.finding("host port \(port) is already published by \(other)", at: use.location))
            }
        }
        return out
    }
}
