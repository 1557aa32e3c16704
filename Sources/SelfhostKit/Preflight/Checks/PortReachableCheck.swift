/// `port.reachable`: the server accepts TCP connections on 80, 443 and the apps' public ports.
///
/// Examples:
///   127.0.0.10:443 connects                → ok
///   connection refused                     → warning: host reachable, nothing listening yet
///   no answer before the timeout           → timeout: a firewall drops the packets
///   UDP port (e.g. a TURN server)          → skipped: a TCP connect can't test it
public enum PortReachableCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "port.reachable",
        summary: "TCP connects to the server's ports 80 and 443 and the apps' public ports succeed within the timeout.",
        fix: "Open the port in the firewall (and the provider's security group), then start the box (`systemctl start selfhost-caddy`, `selfhost-<app>`)."
    ) { env in
        let def = definition
        if env.serverIPs.isEmpty { return [def.result(.skipped, env.domain, "no --server-ip given")] }
        // (address, port, protocol, purpose, the systemd unit that serves it)
        var targets: [(IPAddress, Int, String, String?, String)] = []
        for ip in env.serverIPs {
            for p in env.webPorts { targets.append((ip, p, "tcp", p == env.webPorts.first ? "HTTP (ACME http-01)" : "HTTPS", "selfhost-caddy")) }
            for app in env.apps {
                for x in app.publicPorts where !targets.contains(where: { $0.0 == ip && $0.1 == x.port && $0.2 == x.proto }) {
                    targets.append((ip, x.port, x.proto.lowercased(), "\(app.id)" + (x.purpose.map { ": \($0)" } ?? ""), "selfhost-\(app.id)"))
                }
            }
        }
        return await withTaskGroup(of: (Int, CheckResult).self) { g in
            for (i, t) in targets.enumerated() {
                g.addTask {
                    let subject = t.0.family == .v6 ? "[\(t.0.text)]:\(t.1)" : "\(t.0.text):\(t.1)"
                    let what = t.3.map { " (\($0))" } ?? ""
                    if t.2 != "tcp" {
                        return (i, def.result(.skipped, subject, "\(t.2.uppercased()) port\(what): a TCP connect can't test it"))
                    }
                    switch await env.ports.probe(t.0, port: t.1, timeout: env.timeout) {
                    case .open: return (i, def.result(.ok, subject, "accepts TCP connections\(what)"))
                    case .refused:
                        return (i, def.result(.warning, subject, "connection refused\(what): the host is reachable but nothing listens yet",
                                              fix: "; start it on the server: sudo systemctl start \(t.4) (the box's units start Caddy and each app)"
                                                + "\n; if it runs, see `systemctl status \(t.4)` and check the published ports"))
                    case .timeout:
                        return (i, def.result(.timeout, subject, "no answer within \(env.timeout)\(what): a firewall drops the connection",
                                              fix: "; open the port in the firewall: ufw allow \(t.1)/tcp, and in your provider's firewall / security group"))
                    case .unreachable(let why):
                        return (i, def.result(.error, subject, "unreachable\(what): \(why)", fix: "; check the address and the network route to it"))
                    }
                }
            }
            var out: [(Int, CheckResult)] = []
            for await x in g { out.append(x) }
            return out.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }
}
