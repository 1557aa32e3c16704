import Foundation

/// compose.no-new-privileges: `security_opt: [no-new-privileges:true]` missing.
struct NoNewPrivilegesRule: LintRule {
    static let info = RuleInfo(
        id: "compose.no-new-privileges", severity: .warning,
        summary: "A service does not set `no-new-privileges`.",
        why: "Without it a process in the container can gain privileges through setuid binaries (su, sudo, ping in older images) after an exploit; the flag costs nothing for almost every app.",
        fix: "Add `security_opt: [\"no-new-privileges:true\"]` to the service.",
        security: true,
        examples: [
            .bad("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    restart: unless-stopped\n"),
            .bad("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    security_opt: [\"no-new-privileges:false\"]\n"),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service())),
            .good("compose.yaml", "services:\n  app:\n    image: nginx:1.27\n    security_opt:\n      - no-new-privileges\n"),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        project.services.compactMap { f, s in
            // A swarm service can't set security_opt (`docker stack deploy` ignores it): the engine's
            // daemon.json `no-new-privileges` covers stacks, which lint can't see.
            if f.isOverride || f.isStack { return nil }
            let opts = (s["security_opt"]?.items ?? []).compactMap(\.text).map { $0.replacingOccurrences(of: "=", with: ":") }
            if opts.contains(where: { $0 == "no-new-privileges" || $0 == "no-new-privileges:true" }) { return nil }
            let at = s["security_opt"].map { f.location($0) } ?? f.location(s.key)
            return Self.info.finding("service '\(s.name)' does not set no-new-privileges", at: at,
                                     fix: "add `security_opt: [\"no-new-privileges:true\"]`")
        }
    }
}
