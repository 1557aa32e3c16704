import Foundation

/// systemd.hardening: native services without basic sandboxing.
struct HardeningRule: LintRule {
    static let baseline = ["NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"]

    static let info = RuleInfo(
        id: "systemd.hardening", severity: .info,
        summary: "A native service (one not wrapping docker compose) lacks basic hardening: NoNewPrivileges, ProtectSystem, ProtectHome, PrivateTmp.",
        why: "A bare unit scores 9.6 'UNSAFE' in `systemd-analyze security`; four lines cut what an exploited daemon can touch. Units that only run `docker compose` are exempt: the work happens in dockerd.",
        fix: "Add `NoNewPrivileges=yes`, `ProtectSystem=strict`, `ProtectHome=yes`, `PrivateTmp=yes` (plus `ReadWritePaths=` for its data) and check with `systemd-analyze security UNIT`.",
        examples: [
            .bad("app.service", "[Service]\nExecStart=/usr/local/bin/app\n"),
            .good("app.service", "[Service]\nExecStart=/usr/local/bin/app\nNoNewPrivileges=yes\nProtectSystem=strict\nProtectHome=yes\nPrivateTmp=yes\n"),
            .good("stack.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nWorkingDirectory=/opt/x\nExecStart=/usr/bin/docker compose up -d\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.units.compactMap { u in
            guard u.unitType == "service", let exec = u.value("Service", "ExecStart"), u.composeInvocations.isEmpty else { return nil }
            let first = exec.value.split(separator: " ").first.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "@-:+!")) } ?? ""
            if ["docker", "podman"].contains((first as NSString).lastPathComponent) { return nil }
            let missing = Self.baseline.filter { key in
                guard let v = u.value("Service", key)?.value.lowercased() else { return true }
                return ["no", "false", "0", "off", ""].contains(v)
            }
            guard !missing.isEmpty else { return nil }
            return Self.info.finding("service runs natively without \(missing.joined(separator: ", "))", at: u.location(exec),
                                     fix: missing.map { "\($0)=\($0 == "ProtectSystem" ? "strict" : "yes")" }.joined(separator: "\n"))
        }
    }
}
