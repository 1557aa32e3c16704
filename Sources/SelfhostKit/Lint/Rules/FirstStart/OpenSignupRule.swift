/// compose.open-signup: a setting that opens account registration to anyone.
struct OpenSignupRule: LintRule {
    /// Settings and the value that opens sign-up; `apps` are the catalog apps whose first_start
    /// lists the setting under `preseed` (cited in the message).
    struct Setting { var name: String; var opens: Set<String> }
    static let settings: [Setting] = [
        Setting(name: "SIGNUPS_ALLOWED", opens: ["true", "1", "yes"]),
        Setting(name: "DISABLE_REGISTRATION", opens: ["false", "0", "no"]),
        Setting(name: "GITEA__SERVICE__DISABLE_REGISTRATION", opens: ["false", "0", "no"]),
        Setting(name: "FORGEJO__SERVICE__DISABLE_REGISTRATION", opens: ["false", "0", "no"]),
        Setting(name: "OVERWRITE_SETTING_ACCOUNTS_REGISTRATIONFORM", opens: ["public"]),
        Setting(name: "ACCOUNTS_REGISTRATIONFORM", opens: ["public"]),
    ]

    static let info = RuleInfo(
        id: "compose.open-signup", severity: .warning,
        summary: "An environment setting opens sign-up to anyone (`SIGNUPS_ALLOWED=true`, `DISABLE_REGISTRATION=false`, Rocket.Chat's public registration form).",
        why: "A public host with open registration lets any stranger create an account: on a password manager, a git forge or a chat server that is storage, CPU and a foothold for spam or abuse that the owner never agreed to.",
        fix: "Close sign-up (`SIGNUPS_ALLOWED=false`, `DISABLE_REGISTRATION=true`) and invite users, or open it only for as long as people are signing up.",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("vaultwarden", image: "vaultwarden/server:1.34.3", "environment:", "  SIGNUPS_ALLOWED: \"true\""))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("gitea", image: "docker.gitea.com/gitea:1.24.6", "environment:", "  - GITEA__service__DISABLE_REGISTRATION=false"))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("vaultwarden", image: "vaultwarden/server:1.34.3", "environment:", "  SIGNUPS_ALLOWED: \"false\"", "  DISABLE_REGISTRATION: ${DISABLE_REGISTRATION}"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            for (key, value, node) in s["environment"]?.keyValueEntries ?? [] {
                guard let value, let setting = Self.settings.first(where: { $0.name == key.uppercased() }),
                      setting.opens.contains(value.trimmingCharacters(in: .whitespaces).lowercased()) else { continue }
                var message = "'\(key)=\(value)' in service '\(s.name)' lets anyone register"
                if let (app, fs) = FirstStartSupport.app(s) {
                    message += " (\(FirstStartSupport.citation(app, fs)))"
                }
                out.append(Self.info.finding(message, at: f.location(node)))
            }
        }
        return out
    }
}
