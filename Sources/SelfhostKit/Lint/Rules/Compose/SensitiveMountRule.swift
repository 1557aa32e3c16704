/// compose.sensitive-mount: host system paths bind-mounted into a container.
struct SensitiveMountRule: LintRule {
    static let sensitive = ["/", "/etc", "/proc", "/sys", "/dev", "/boot", "/root", "/home", "/var/lib/docker", "/run", "/var/run", "/var/log", "/usr", "/lib", "/bin", "/sbin", "/var/lib", "/var"]
    /// Read-only files commonly shared for the time zone and identity.
    static let harmlessReadOnly: Set<String> = ["/etc/localtime", "/etc/timezone", "/etc/hostname", "/etc/machine-id", "/etc/os-release", "/usr/share/zoneinfo", "/etc/ssl/certs", "/etc/ca-certificates", "/etc/pki/ca-trust"]

    static let info = RuleInfo(
        id: "compose.sensitive-mount", severity: .error,
        summary: "A sensitive host path (/, /etc, /proc, /sys, /root, /home, /var/lib/docker…) is bind-mounted.",
        why: "A container that can write /etc or /root can add a user or an SSH key; /proc and /sys expose the kernel; even read-only, /etc/shadow and /root/.ssh leak secrets. The docker socket has its own rule (compose.docker-sock).",
        fix: "Mount only the one file or directory the app needs, read-only where possible (`/etc/localtime:/etc/localtime:ro` is fine).",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "volumes: [\"/etc:/host/etc\"]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "volumes: [\"/:/rootfs:ro\"]"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "volumes: [\"/root/.ssh:/keys:ro\"]"))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "volumes: [\"/etc/localtime:/etc/localtime:ro\", \"./data:/data\", \"/srv/app/uploads:/uploads\"]"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            for m in s.mounts(env: f.env) where m.isBind {
                guard var src = m.source, src.hasPrefix("/") || src.hasPrefix("~") else { continue }
                if src.hasSuffix(".sock") { continue }
                if src.hasPrefix("~") { src = "/home" + src.dropFirst() }
                while src.count > 1, src.hasSuffix("/") { src.removeLast() }
                if Self.harmlessReadOnly.contains(src), m.readOnly { continue }
                let isSensitive = Self.sensitive.contains(src)
                    || ["/etc/", "/proc/", "/sys/", "/root/", "/boot/", "/var/lib/docker/", "/dev/"].contains { src.hasPrefix($0) }
                    || src.contains("/.ssh") || src.hasSuffix("/shadow")
                guard isSensitive else { continue }
                out.append(Self.info.finding("service '\(s.name)' bind-mounts the host's \(src)\(m.readOnly ? " (read-only)" : "")", at: f.location(m.node),
                                             severity: m.readOnly ? .warning : .error))
            }
        }
        return out
    }
}
