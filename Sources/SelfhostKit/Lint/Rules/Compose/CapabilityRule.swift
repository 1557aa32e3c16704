/// compose.cap-add: capabilities that amount to root on the host.
struct CapabilityRule: LintRule {
    static let dangerous: Set<String> = ["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO", "DAC_READ_SEARCH", "DAC_OVERRIDE", "SYS_BOOT", "SYS_TIME", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "SETFCAP", "LINUX_IMMUTABLE", "SYSLOG"]

    static let info = RuleInfo(
        id: "compose.cap-add", severity: .warning,
        summary: "A container adds a dangerous capability (SYS_ADMIN, NET_ADMIN, SYS_PTRACE…); `cap_add: [ALL]` is an error.",
        why: "SYS_ADMIN alone allows mounting filesystems and escaping the container; NET_ADMIN rewrites host firewall rules inside its namespace; ALL equals privileged, so it is reported as an error like `privileged: true`.",
        fix: "Remove the capability, or add only a narrow one (NET_BIND_SERVICE, CHOWN, SETUID, SETGID).",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "cap_add: [SYS_ADMIN]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "cap_add: [CAP_NET_ADMIN]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "cap_add: [ALL]"))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "cap_drop: [ALL]", "cap_add: [NET_BIND_SERVICE]"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            for item in s["cap_add"]?.items ?? [] {
                guard let raw = item.text else { continue }
                var cap = raw.uppercased()
                if cap.hasPrefix("CAP_") { cap.removeFirst(4) }
                if Self.dangerous.contains(cap) {
                    let all = cap == "ALL"
                    out.append(Self.info.finding(all ? "service '\(s.name)' adds every capability (cap_add: \(raw)), which is as good as privileged" : "service '\(s.name)' adds capability \(raw)",
                                                 at: f.location(item), severity: all ? .error : nil))
                }
            }
        }
        return out
    }
}
