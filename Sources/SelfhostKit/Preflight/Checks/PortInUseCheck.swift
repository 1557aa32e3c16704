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
        return env.webPorts.map { port in
            let v = verdict(port: port, listeners: host.listeners(on: port))
            return def.result(v.status, "localhost:\(port)", v.message, fix: v.fix)
        }
    }

    /// Processes that hold 80/443 for the box itself (Docker's port proxy, a Caddy).
    static let ours: Set<String> = ["caddy", "docker-proxy", "rootlesskit", "containerd-shim"]

    /// Whether `listeners` on `port` leave it to the box's Caddy: shared by preflight and `selfhost install`.
    public static func verdict(port: Int, listeners ls: [ListeningSocket]) -> (status: CheckStatus, message: String, fix: String?) {
        if ls.isEmpty { return (.ok, "free", nil) }
        let owners = Set(ls.map { $0.process.map { p in "\(p) (pid \(ls.first { $0.process == p }?.pid ?? 0))" } ?? "an unknown process" })
        if ls.allSatisfy({ $0.process.map(ours.contains) ?? false }) {
            return (.ok, "served by \(owners.sorted().joined(separator: ", ")): the box is up or another Caddy runs", nil)
        }
        if ls.allSatisfy({ $0.process == nil }) {
            return (.warning, "already in use by a process this user can't see (run as root to name it)",
                    "; see who holds it: sudo ss -ltnp 'sport = :\(port)'")
        }
        let name = ls.compactMap(\.process).first { !ours.contains($0) } ?? "it"
        return (.error, "already in use by \(owners.sorted().joined(separator: ", ")): Caddy can't bind it",
                "; run: sudo systemctl disable --now \(name) (or stop whatever runs it)")
    }
}
