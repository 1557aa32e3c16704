/// `port.in-use` (`--local`): ports 80 and 443 are free for the box's Caddy, or already its own.
///
/// Examples:
///   nothing listens on 80               → ok
///   nginx (pid 812) listens on 80       → error: stop it or it blocks Caddy
///   docker-proxy / caddy listens on 443 → ok: the box (or another Caddy) already serves it
public enum PortInUseCheck {
    public static let definition: CheckDefinition = CheckDefinition(
        id: "port.in-use",
        summary: "With --local: no other process already listens on ports 80 and 443.",
        fix: "Stop and disable the other web server (e.g. `systemctl disable --now nginx`).",
        localOnly: true
    ) { env in
        let def = definition
        guard env.local, let host = env.host else {
            return [def.result(.skipped, "localhost", "run on the server with --local to check")]
        }
        let ours: Set<String> = ["caddy", "docker-proxy", "rootlesskit", "containerd-shim"]
        return env.webPorts.map { port in
            let subject = "localhost:\(port)"
            let ls = host.listeners(on: port)
            if ls.isEmpty { return def.result(.ok, subject, "free") }
            let owners = Set(ls.map { $0.process.map { p in "\(p) (pid \(ls.first { $0.process == p }?.pid ?? 0))" } ?? "an unknown process" })
            if ls.allSatisfy({ $0.process.map(ours.contains) ?? false }) {
                return def.result(.ok, subject, "served by \(owners.sorted().joined(separator: ", ")): the box is up or another Caddy runs")
            }
            if ls.allSatisfy({ $0.process == nil }) {
                return def.result(.warning, subject, "already in use by a process this user can't see (run as root to name it)",
                                  fix: "; see who holds it: sudo ss -ltnp 'sport = :\(port)'")
            }
            let name = ls.compactMap(\.process).first { !ours.contains($0) } ?? "it"
            return def.result(.error, subject, "already in use by \(owners.sorted().joined(separator: ", ")): Caddy can't bind it",
                              fix: "; run: sudo systemctl disable --now \(name) (or stop whatever runs it)")
        }
    }
}
