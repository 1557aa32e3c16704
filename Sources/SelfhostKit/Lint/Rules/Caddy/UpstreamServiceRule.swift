/// caddy.upstream-service: `reverse_proxy` to a host name that no linted compose service answers to.
struct UpstreamServiceRule: LintRule {
    static let info = RuleInfo(
        id: "caddy.upstream-service", severity: .error,
        summary: "A `reverse_proxy` upstream names no compose service (across all linted compose files), or can't be reached from where Caddy runs.",
        why: "`caddy validate` never resolves upstreams, so a typo or a renamed service passes CI and the site answers 502 in production. When Caddy runs on the host it can't resolve compose service names at all; when it runs in a container, `localhost` is the Caddy container itself.",
        fix: "Use the compose service name (or a network alias) of the app; from a Caddy on the host, publish the app on 127.0.0.1 and proxy to `localhost:PORT`.",
        examples: [
            .bad(ExampleFile("compose.yaml", CaddyExamples.stack), ExampleFile("Caddyfile", "app.example.com {\n\treverse_proxy apps:3000\n}\n")),
            .bad(ExampleFile("compose.yaml", CaddyExamples.stack), ExampleFile("Caddyfile", "app.example.com {\n\treverse_proxy localhost:3000\n}\n")),
            .good(ExampleFile("compose.yaml", CaddyExamples.stack), ExampleFile("Caddyfile", "app.example.com {\n\treverse_proxy http://app:3000\n}\nother.example.com {\n\treverse_proxy https://api.example.net {\n\t\theader_up Host {upstream_hostport}\n\t}\n}\n")),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        guard !project.composeFiles.isEmpty else { return [] }
        var out: [Diagnostic] = []
        // Every name an upstream could use: service names, container names, host names, network aliases.
        var allNames: [String] = []
        for (_, s) in project.services {
            allNames.append(s.name)
            for key in ["container_name", "hostname"] { if let n = s[key]?.text { allNames.append(n) } }
            for p in s["networks"]?.pairs ?? [] { allNames += (p.value["aliases"]?.items ?? []).compactMap(\.text) }
        }
        for c in project.caddyFiles where c.syntaxError == nil {
            let container = project.caddyContainer(for: c)
            for (_, u) in c.upstreams {
                if u.isIPAddress && !u.isLocal { continue }
                if u.isLocal {
                    if let (_, caddy) = container, caddy["network_mode"]?.text != "host" {
                        out.append(Self.info.finding("Caddy runs in compose service '\(caddy.name)', so \(u.token.text) is that container itself, not the host", at: c.location(u.token),
                                                     fix: "proxy to the app's service name instead, e.g. reverse_proxy app:\(u.port)"))
                    }
                    continue
                }
                if u.host.contains(".") { continue }  // a DNS name outside compose
                let matches = project.services(answering: u.host)
                if matches.isEmpty {
                    let hint = LintSuggest.didYouMean(u.host, in: allNames).map { "; \($0)" } ?? ""
                    out.append(Self.info.finding("reverse_proxy upstream '\(u.host)' is not a service in any linted compose file\(hint)", at: c.location(u.token)))
                } else if container == nil {
                    out.append(Self.info.finding("Caddy runs on the host (no compose service mounts this Caddyfile), so it can't resolve the compose service name '\(u.host)'", at: c.location(u.token),
                                                 fix: "publish the service on 127.0.0.1:PORT and proxy to localhost:PORT, or run Caddy in the compose project"))
                }
            }
        }
        return out
    }
}
