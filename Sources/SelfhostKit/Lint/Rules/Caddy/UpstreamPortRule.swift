/// caddy.upstream-port: `reverse_proxy svc:PORT` where PORT is not among the ports the service declares.
struct UpstreamPortRule: LintRule {
    static let info = RuleInfo(
        id: "caddy.upstream-port", severity: .warning,
        summary: "A `reverse_proxy` upstream's port is not one the compose service declares or its image usually listens on.",
        why: "A wrong port answers 502 only at request time. The ports a service listens on are taken from its `expose:`, its `ports:` container ports, PORT-style environment variables and, as a fallback, the known default port of its image (matched on the full repository name, and its tag: `-fpm` PHP images listen on 9000). A mismatch is a warning, not an error: `ports:` and `expose:` list what is published, not everything a service listens on (mattermost publishes its Calls port 8443 while Caddy proxies its web port 8065), and the image's usual port may be configured otherwise. Another port is suggested only when the service declares exactly one `expose:` port. When none of those says anything the check stays silent. For a Caddy on the host proxying to localhost, a port no compose service publishes is a warning: it may be a native service on the host.",
        fix: "Proxy to the port the service listens on, or declare it with `expose: [\"PORT\"]` in the compose file.",
        examples: [
            .bad(ExampleFile("compose.yaml", CaddyExamples.stack), ExampleFile("Caddyfile", "app.example.com {\n\treverse_proxy app:8080\n}\n")),
            .bad(ExampleFile("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n    ports: [\"127.0.0.1:8081:80\"]\n"), ExampleFile("Caddyfile", "example.com {\n\treverse_proxy localhost:8080\n}\n")),
            .good(ExampleFile("compose.yaml", CaddyExamples.stack), ExampleFile("Caddyfile", "app.example.com {\n\treverse_proxy app:3000\n}\n")),
            // Published ports are not all a service listens on: a warning to check, not an error.
            .bad(ExampleFile("compose.yaml", "services:\n  chat:\n    image: ghcr.io/example/chat:9.11\n    ports: [\"8443:8443/udp\", \"8443:8443/tcp\"]\n"), ExampleFile("Caddyfile", "chat.example.com {\n\treverse_proxy chat:8065\n}\n")),
            .good(ExampleFile("compose.yaml", "services:\n  chat:\n    image: ghcr.io/example/chat:9.11\n    ports: [\"8443:8443/udp\", \"8443:8443/tcp\"]\n    expose: [\"8065\"]\n"), ExampleFile("Caddyfile", "chat.example.com {\n\treverse_proxy chat:8065\n}\n")),
            // The image's usual port only (a guess, so a warning); the tag matters: -fpm runs PHP-FPM on 9000.
            .bad(ExampleFile("compose.yaml", "services:\n  wordpress:\n    image: wordpress:6.6-fpm\n"), ExampleFile("Caddyfile", "example.com {\n\tphp_fastcgi wordpress:80\n}\n")),
            .good(ExampleFile("compose.yaml", "services:\n  wordpress:\n    image: wordpress:6.6-fpm\n"), ExampleFile("Caddyfile", "example.com {\n\tphp_fastcgi wordpress:9000\n}\n")),
            // Only the full repository name counts: vaultwarden/server is known, any other …/server is not.
            .bad(ExampleFile("compose.yaml", "services:\n  vault:\n    image: docker.io/vaultwarden/server:1.32.0\n"), ExampleFile("Caddyfile", "example.com {\n\treverse_proxy vault:8080\n}\n")),
            .good(ExampleFile("compose.yaml", "services:\n  api:\n    image: ghcr.io/example/server:2.1.0\n"), ExampleFile("Caddyfile", "example.com {\n\treverse_proxy api:8080\n}\n")),
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
                    if let finding = Self.unpublished(u, project: project, at: c.location(u.token)) { out.append(finding) }
                    continue
                }
                // php_fastcgi without a port: Caddy's default there is not the HTTP one; nothing to compare.
                if u.directive == "php_fastcgi" && !u.portWritten { continue }
                guard !u.host.contains("."), let match = project.services(answering: u.host).first else { continue }
                let f = match.0, s = match.1
                let declared = s.declaredPorts(env: f.env)
                let known = PortSet(Array(KnownImagePorts.ports(of: s) ?? []))
                if let finding = Self.mismatch(u, file: f, service: s, declared: declared, known: known, at: c.location(u.token)) {
                    out.append(finding)
                }
            }
        }
        return out
    }

    /// The finding for an upstream whose port neither the compose file nor the image's usual
    /// port explains; nil when it matches or nothing is known. (Kept out of `check`'s loop:
    /// Swift 6.3's optimizer crashed on the inlined form.) Always a warning: `ports:`/`expose:` list
    /// what is published, not everything a service listens on (mattermost publishes 8443, serves 8065).
    static func mismatch(_ u: CaddyUpstream, file f: ComposeFile, service s: ComposeService, declared: PortSet, known: PortSet, at location: SourceLocation) -> Diagnostic? {
        let ports = declared.union(known)
        if ports.isEmpty || ports.contains(u.port) { return nil }
        let what = u.portWritten ? "port \(u.port)" : "port \(u.port) (Caddy's default; none written)"
        let who = u.host == s.name ? "service '\(s.name)'" : "service '\(s.name)' (as '\(u.host)', in \(f.source.path))"
        let message = declared.isEmpty
            ? "\(who) may not listen on \(what); its image \(s.image ?? "") is known to listen on \(list(known))"
            : "\(what) is not among the ports \(who) declares (\(list(declared))); check it listens there"
        return info.finding(message, at: location, fix: fix(u, service: s, file: f, declared: declared, known: known), severity: .warning)
    }

    /// Suggests another port only when it is unambiguous: the image's usual port when nothing is declared,
    /// or the single `expose:` port.
    static func fix(_ u: CaddyUpstream, service s: ComposeService, file f: ComposeFile, declared: PortSet, known: PortSet) -> String {
        let declare = "declare the port with expose: [\"\(u.port)\"] if the service does listen on it"
        let exposed = s.exposedPorts(env: f.env)
        let suggested: Int? = declared.isEmpty ? known.single : exposed.single
        guard let suggested else { return "check which port the service listens on; " + declare }
        return "write \(u.directive) \(u.host):\(suggested), or \(declare)"
    }

    /// A host Caddy's `localhost:PORT` that no linted compose service publishes. Only a warning:
    /// a host Caddy also fronts native services (a systemd unit, a package) that no compose file shows.
    static func unpublished(_ u: CaddyUpstream, project: LintProject, at location: SourceLocation) -> Diagnostic? {
        let published = project.services.contains { f, s in s.ports(env: f.env).contains { $0.hostRange?.contains(u.port) == true } }
        if published { return nil }
        return info.finding("no linted compose service publishes host port \(u.port) for \(u.token.text); it may be a native service on the host, else nothing answers there",
                            at: location, fix: "if a container serves it, publish it with ports: [\"127.0.0.1:\(u.port):<container port>\"] or correct the port; if a native service listens there, ignore this", severity: .warning)
    }

    static func list(_ ports: PortSet) -> String { ports.description }
}
