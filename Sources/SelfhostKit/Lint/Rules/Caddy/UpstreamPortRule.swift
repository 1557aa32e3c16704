/// caddy.upstream-port: `reverse_proxy svc:PORT` where the service does not listen on PORT.
struct UpstreamPortRule: LintRule {
    static let info = RuleInfo(
        id: "caddy.upstream-port", severity: .error,
        summary: "A `reverse_proxy` upstream's port is not one the compose service listens on.",
        why: "A wrong port answers 502 only at request time. The ports a service listens on are taken from its `expose:`, its `ports:` container ports, PORT-style environment variables and, as a fallback, the known default port of its image; when none of those says anything the check stays silent. For a Caddy on the host proxying to localhost, the port must be published by some compose service.",
        fix: "Proxy to the port the service listens on, or declare it with `expose: [\"PORT\"]` in the compose file.",
        examples: [
            .bad(ExampleFile("compose.yaml", CaddyExamples.stack), ExampleFile("Caddyfile", "app.example.com {\n\treverse_proxy app:8080\n}\n")),
            .bad(ExampleFile("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports: [\"127.0.0.1:8081:80\"]\n"), ExampleFile("Caddyfile", "example.com {\n\treverse_proxy localhost:8080\n}\n")),
            .good(ExampleFile("compose.yaml", CaddyExamples.stack), ExampleFile("Caddyfile", "app.example.com {\n\treverse_proxy app:3000\n}\n")),
            .good(ExampleFile("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports: [\"127.0.0.1:8080:80\"]\n"), ExampleFile("Caddyfile", "example.com {\n\treverse_proxy 127.0.0.1:8080\n}\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        guard !project.composeFiles.isEmpty else { return [] }
        var out: [Diagnostic] = []
        for c in project.caddyFiles where c.syntaxError == nil {
            let container = project.caddyContainer(for: c)
            for (_, u) in c.upstreams {
                if u.isLocal {
                    guard container == nil else { continue }  // reported by caddy.upstream-service
                    let published = project.services.contains { f, s in s.ports(env: f.env).contains { $0.hostPorts.contains(u.port) } }
                    if !published {
                        out.append(Self.info.finding("no linted compose service publishes host port \(u.port) for \(u.token.text)", at: c.location(u.token),
                                                     fix: "publish the app with ports: [\"127.0.0.1:\(u.port):<container port>\"], or correct the port"))
                    }
                    continue
                }
                // php_fastcgi without a port: Caddy's default there is not the HTTP one; nothing to compare.
                if u.directive == "php_fastcgi" && !u.portWritten { continue }
                guard !u.host.contains("."), let (f, s) = project.services(answering: u.host).first else { continue }
                var ports = s.declaredPorts(env: f.env)
                if let base = s.imageBaseName, let known = KnownImagePorts.byImage[base] { ports.formUnion(known) }
                guard !ports.isEmpty, !ports.contains(u.port) else { continue }
                let list = ports.sorted().map(String.init).joined(separator: ", ")
                let what = u.portWritten ? "port \(u.port)" : "port \(u.port) (Caddy's default; none written)"
                let who = u.host == s.name ? "service '\(s.name)'" : "'\(u.host)' (service '\(s.name)' in \(f.source.path))"
                out.append(Self.info.finding("\(who) does not listen on \(what); it declares \(list)", at: c.location(u.token),
                                             fix: "write reverse_proxy \(u.host):\(ports.sorted().first!)"))
            }
        }
        return out
    }
}
