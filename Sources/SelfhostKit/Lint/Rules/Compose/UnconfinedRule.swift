/// compose.unconfined: `security_opt` turning off seccomp, AppArmor, SELinux labels or /proc masking.
struct UnconfinedRule: LintRule {
    static let info = RuleInfo(
        id: "compose.unconfined", severity: .warning,
        summary: "`security_opt` turns off a confinement layer: `seccomp:unconfined`, `apparmor:unconfined`, `label:disable` or `systempaths=unconfined`.",
        why: "Docker's default seccomp profile blocks some 40 syscalls used in container escapes (keyctl, bpf, mount, unshare…); the default AppArmor profile and SELinux labels stop writes to /proc and /sys and to other containers' files; masked paths hide /proc/kcore and friends. Turning one off leaves a kernel bug or a stray capability one step from the host.",
        fix: "Remove the option. If the app really needs a blocked syscall, use a custom profile that allows just that one (`seccomp:./seccomp.json`).",
        security: true,
        examples: [
            .bad("compose.yaml", Self.example("seccomp:unconfined")),
            .bad("compose.yaml", Self.example("apparmor=unconfined")),
            .bad("compose.yaml", Self.example("label:disable")),
            .bad("compose.yaml", Self.example("systempaths=unconfined")),
            .good("compose.yaml", Self.example("seccomp:./seccomp.json", "apparmor:docker-default", "label:type:container_t")),
        ])

    /// A production-grade service whose `security_opt` holds no-new-privileges plus `options`.
    static func example(_ options: String...) -> String {
        ComposeRuleSupport.file(ComposeRuleSupport.service("app")).replacingOccurrences(
            of: "security_opt: [\"no-new-privileges:true\"]",
            with: "security_opt:\n      - no-new-privileges:true\n" + options.map { "      - \($0)" }.joined(separator: "\n"))
    }

    /// What the option switches off, or nil when it keeps confinement.
    static func disabled(_ option: String) -> String? {
        // `key:value` and `key=value` are both accepted by Docker.
        let parts = option.split(maxSplits: 1, whereSeparator: { $0 == ":" || $0 == "=" }).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard parts.count == 2 else { return nil }
        switch (parts[0], parts[1]) {
        case ("seccomp", "unconfined"): return "the seccomp syscall filter"
        case ("apparmor", "unconfined"): return "the AppArmor profile"
        case ("label", "disable"): return "SELinux labelling"
        case ("systempaths", "unconfined"): return "the masking of /proc and /sys paths"
        default: return nil
        }
    }

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            for item in s["security_opt"]?.items ?? [] {
                guard let raw = item.text, let what = Self.disabled(raw) else { continue }
                out.append(Self.info.finding("service '\(s.name)' turns off \(what) (security_opt: \(raw))", at: f.location(item)))
            }
        }
        return out
    }
}
