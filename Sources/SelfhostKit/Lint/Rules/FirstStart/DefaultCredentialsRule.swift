/// compose.default-credentials: a known app that starts with a documented default login, run
/// without the setting upstream offers to replace it.
struct DefaultCredentialsRule: LintRule {
    static let info = RuleInfo(
        id: "compose.default-credentials", severity: .warning,
        summary: "A catalog app that starts with a documented default login (e.g. Owncast's admin password) runs without the setting that replaces it.",
        why: "Default credentials are published in the app's documentation: anyone reaching a fresh host logs in as administrator. Where upstream reads the first password from the environment, the default never needs to exist.",
        fix: "Set the variables the message lists to a generated password in the .env next to the compose file. Where upstream offers none (Umami: admin/umami), change the password at first login and keep basic auth in front until then (caddy.first-start-unguarded).",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("owncast", image: "owncast/owncast:0.2.3"))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("owncast", image: "owncast/owncast:0.2.3", "environment:",
                  "  OWNCAST_ADMIN_PASSWORD: ${OWNCAST_ADMIN_PASSWORD}"))),
        ])

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            guard let (app, fs) = FirstStartSupport.app(s), fs.exposure == .defaultCredentials, !fs.preseed.isEmpty else { continue }
            let missing = FirstStartSupport.missingPreseed(s, fs)
            guard !missing.isEmpty else { continue }
            out.append(Self.info.finding(
                "service '\(s.name)' runs \(app.name) with its default login: \(missing.joined(separator: ", ")) not set (\(FirstStartSupport.citation(app, fs)))",
                at: f.location(s.key),
                fix: "set \(missing.map { "\($0): ${\($0)}" }.joined(separator: ", ")) with a generated password in the .env next to the compose file"))
        }
        return out
    }
}
