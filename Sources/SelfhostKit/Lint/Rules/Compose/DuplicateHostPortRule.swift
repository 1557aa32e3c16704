/// compose.dup-host-port: two services, in any of the linted files, publishing the same host port.
struct DuplicateHostPortRule: LintRule {
    static let info = RuleInfo(
        id: "compose.dup-host-port", severity: .error,
        summary: "The same host port (and protocol) is published twice across all linted compose files, or clashes with a Caddy running on the host.",
        why: "The second stack fails at start with 'port is already allocated' — usually on the server, days after the file was merged, because `docker compose config` checks one file and never ports.",
        fix: "Give one of them another host port (the container port can stay the same), or bind them to different addresses. One service publishing the port on both `0.0.0.0` and `[::]` is fine: that is one publication over IPv4 and IPv6.",
        examples: [
            .bad(ExampleFile("a/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("web", "ports: [\"127.0.0.1:8080:80\"]"))),
                 ExampleFile("b/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("api", "ports: [\"127.0.0.1:8080:3000\"]")))),
            .bad(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("web", image: "nginx:1.27", "ports: [\"80:80\"]"))),
                 ExampleFile("Caddyfile", "example.com {\n\treverse_proxy localhost:8080\n}\n")),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("web", "ports: [\"0.0.0.0:9000:80\"]"), ComposeRuleSupport.service("api", "ports: [\"[::]:9000:80\"]"))),
            // One service bound on IPv4 and IPv6: one publication, not a clash.
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("web", "ports: [\"0.0.0.0:9000:80\", \"[::]:9000:80\"]"))),
            .good(ExampleFile("a/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("web", "ports: [\"127.0.0.1:8080:80\", \"127.0.0.1:5353:53/udp\"]"))),
                  ExampleFile("b/compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("api", "ports: [\"127.0.0.1:8081:3000\", \"127.0.0.1:5353:53/tcp\"]")))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        // Ranges are compared as ranges: `1-65535` is one use, never 65,535 entries.
        struct Use { var ports: ClosedRange<Int>; var service: String; var file: String; var ip: String?; var location: SourceLocation }
        var byProto: [String: [Use]] = [:]
        // Caddy on the host (no compose service runs the linted Caddyfile) holds 80 and 443.
        for c in project.caddyFiles where project.caddyContainer(for: c) == nil && !project.composeFiles.isEmpty {
            for (port, proto) in [(80, "tcp"), (443, "tcp"), (443, "udp")] {
                byProto[proto, default: []].append(Use(ports: port...port, service: "caddy (on the host)", file: c.source.path, ip: nil, location: c.source.location(1, 1)))
            }
        }
        // Stack files are left out: a stack is the box deployed another way (a swarm), never beside
        // its compose files on one engine, and its host-mode ports are per node.
        for (f, s) in project.services where !f.isStack {
            for p in s.ports(env: f.env) {
                guard let range = p.hostRange else { continue }
                let ip = p.hostIP.map { $0 == "[::]" ? "::" : $0 }.flatMap { $0.isEmpty ? nil : $0 }
                byProto[p.proto, default: []].append(Use(ports: range, service: s.name, file: f.source.path, ip: ip, location: f.source.location(p.line, p.column)))
            }
        }
        var out: [Diagnostic] = []
        var comparisons = 0
        for (proto, uses) in byProto.sorted(by: { $0.key < $1.key }) {
            for (i, use) in uses.enumerated() where i > 0 && !use.service.hasPrefix("caddy (") {
                // The first earlier use that overlaps and clashes; a bounded number of comparisons
                // per run (real projects need a few hundred).
                var first: Use?
                for earlier in uses[..<i] {
                    comparisons += 1
                    if comparisons > Self.maxComparisons { break }
                    if earlier.ports.overlaps(use.ports),
                       Self.clash(earlier.ip, use.ip, sameService: earlier.service == use.service && earlier.file == use.file) {
                        first = earlier; break
                    }
                }
                guard let first else { continue }
                let other = first.file == use.file ? "service '\(first.service)'" : "service '\(first.service)' in \(first.file)"
                let shared = first.ports.clamped(to: use.ports)
                let what = shared.count == 1 ? "host port \(shared.lowerBound)/\(proto) is" : "host ports \(shared.portText)/\(proto) are"
                out.append(Self.info.finding("\(what) already published by \(other)", at: use.location))
            }
        }
        return out
    }

    /// Pairs of port entries compared in one run, at most (see docs/LIMITS.md).
    static let maxComparisons = 5_000_000

    /// Whether two binds of one host port clash. Two different specific addresses do not; a wildcard
    /// (nil = every address, `0.0.0.0`, `::`) clashes with anything, except that one service binding
    /// `0.0.0.0` and `::` is a single publication over IPv4 and IPv6.
    static func clash(_ a: String?, _ b: String?, sameService: Bool) -> Bool {
        if sameService, let a, let b, Set([a, b]) == ["0.0.0.0", "::"] { return false }
        let wildcard: (String?) -> Bool = { $0 == nil || $0 == "0.0.0.0" || $0 == "::" }
        return wildcard(a) || wildcard(b) || a == b
    }
}
