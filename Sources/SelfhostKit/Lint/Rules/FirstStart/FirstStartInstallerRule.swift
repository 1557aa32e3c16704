/// compose.first-start-installer: a known app whose fresh install a stranger could claim (web
/// installer, first visitor becomes admin, open sign-up), run without the settings upstream
/// documents to preseed the admin or lock the installer.
struct FirstStartInstallerRule: LintRule {
    static let info = RuleInfo(
        id: "compose.first-start-installer", severity: .warning,
        summary: "A catalog app whose first visitor can claim it (web installer, first account is admin, open sign-up) runs without the preseed/lock settings upstream documents.",
        why: "Once Caddy has a certificate the host name is public (Certificate Transparency logs), and bots look for fresh installers: whoever completes the setup first owns the app. The catalog's first_start fact names the variables that close this.",
        fix: "Set the variables the message lists (admin user and a generated password in .env, installer locked, sign-up closed), or keep basic auth in front of the app until its setup is done.",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("gitea", image: "docker.gitea.com/gitea:1.24.6"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", image: "listmonk/listmonk:v5.1.0", "environment:", "  LISTMONK_ADMIN_USER: admin"))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", image: "listmonk/listmonk:v5.1.0", "environment:",
                  "  LISTMONK_ADMIN_USER: ${LISTMONK_ADMIN_USER}", "  LISTMONK_ADMIN_PASSWORD: ${LISTMONK_ADMIN_PASSWORD}"))),
            .good("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", image: "ghcr.io/example/app:1.4.2"))),
        ])

    static let exposures: Set<App.FirstStart.Exposure> = [.webInstaller, .firstVisitorAdmin, .openSignup]

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            guard let (app, fs) = FirstStartSupport.app(s), Self.exposures.contains(fs.exposure), fs.closedBy == .preseed else { continue }
            let missing = FirstStartSupport.missingPreseed(s, fs)
            guard !missing.isEmpty else { continue }
            out.append(Self.info.finding(
                "service '\(s.name)' runs \(app.name) without \(missing.joined(separator: ", ")): its first visitor can claim it (\(FirstStartSupport.citation(app, fs)))",
                at: f.location(s.key),
                fix: "set \(missing.map { "\($0): ${\($0)}" }.joined(separator: ", ")) with the values in the .env next to the compose file"))
        }
        return out
    }
}
