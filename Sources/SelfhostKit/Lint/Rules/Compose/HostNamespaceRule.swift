/// compose.host-namespace: sharing the host's network, PID, IPC or user namespace.
struct HostNamespaceRule: LintRule {
    static let info = RuleInfo(
        id: "compose.host-namespace", severity: .warning,
        summary: "A container shares a host namespace (`network_mode: host`, `pid: host`, `ipc: host`, `userns_mode: host`).",
        why: "Host networking puts every port the app opens on the public interface (no Docker port mapping, no isolation); host PID/IPC lets the container see and signal host processes; host userns turns off user remapping.",
        fix: "Drop the setting; publish the ports you need on 127.0.0.1 and let the reverse proxy reach the app over a compose network.",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "network_mode: host"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "pid: host"))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "network_mode: bridge"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            for key in ["network_mode", "pid", "ipc", "userns_mode", "uts", "cgroup"] {
                guard let n = s[key], n.text == "host" else { continue }
                out.append(Self.info.finding("service '\(s.name)' uses the host's \(key == "network_mode" ? "network" : key) namespace", at: f.location(n)))
            }
        }
        return out
    }
}
