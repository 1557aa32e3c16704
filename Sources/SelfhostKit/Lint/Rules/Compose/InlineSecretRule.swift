/// compose.inline-secret: a secret written into the compose file itself.
struct InlineSecretRule: LintRule {
    static let secretWords = ["PASSWORD", "PASSWD", "PASS", "SECRET", "TOKEN", "API_KEY", "APIKEY", "PRIVATE_KEY", "ACCESS_KEY", "CREDENTIAL", "AUTH_KEY", "SALT", "ENCRYPTION_KEY", "SIGNING_KEY", "MASTER_KEY", "LICENSE_KEY"]

    static let info = RuleInfo(
        id: "compose.inline-secret", severity: .warning,
        summary: "A secret-looking value is written literally in `environment:` (or a URL with a password).",
        why: "The compose file lives in git; a literal password there is readable by everyone with the repository, its forks and CI logs, and it can't be rotated without a commit.",
        fix: "Reference it as `${NAME}` from the `.env` next to the file (mode 600, not in git), or use compose `secrets:` / a `*_FILE` variable.",
        security: true,
        examples: [
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("db", image: "postgres:16.4", "environment:", "  POSTGRES_PASSWORD: hunter2hunter2"))),
            .bad("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("app", "environment:", "  - DATABASE_URL=postgres://app:s3cretpass@db:5432/app"))),
            .good(ExampleFile("compose.yaml", ComposeRuleSupport.file(ComposeRuleSupport.service("db", image: "postgres:16.4", "environment:",
                    "  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}", "  POSTGRES_PASSWORD_FILE: /run/secrets/db", "  DATABASE_URL: postgres://app:${DB_PASSWORD}@db/app", "  PASSWORD_MIN_LENGTH: \"12\"")))),
        ])

    static func looksSecret(_ key: String) -> Bool {
        let k = key.uppercased()
        if k.hasSuffix("_FILE") || k.hasSuffix("_PATH") || k.hasSuffix("_LENGTH") || k.hasSuffix("_URL_FILE") { return false }
        return secretWords.contains { k == $0 || k.hasSuffix("_" + $0) || k.hasPrefix($0 + "_") && !k.contains("_MIN") || k.contains("_" + $0 + "_") }
    }

    /// A value that is a literal (no interpolation), not a placeholder and not trivially a flag.
    static func isLiteralSecret(_ value: String) -> Bool {
        let v = value.trimmingCharacters(in: .whitespaces)
        if v.isEmpty || v.contains("$") || v.hasPrefix("/") { return false }
        if ["true", "false", "yes", "no", "on", "off", "changeme", "change-me", "changeit"].contains(v.lowercased()) { return v.lowercased().hasPrefix("change") }
        if Int(v) != nil && v.count < 6 { return false }
        return v.count >= 6
    }

    /// `scheme://user:password@host` with a literal password.
    static func urlPassword(_ value: String) -> Range<String.Index>? {
        guard let scheme = value.range(of: "://"), let at = value[scheme.upperBound...].firstIndex(of: "@") else { return nil }
        let cred = value[scheme.upperBound..<at]
        guard let colon = cred.firstIndex(of: ":") else { return nil }
        let pass = cred[cred.index(after: colon)...]
        if pass.isEmpty || pass.contains("$") { return nil }
        return pass.startIndex..<pass.endIndex
    }

    func check(_ project: LintProject) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for (f, s) in project.services {
            for (key, value, node) in s["environment"]?.keyValueEntries ?? [] {
                guard let value else { continue }
                if Self.looksSecret(key), Self.isLiteralSecret(value) {
                    out.append(Self.info.finding("'\(key)' holds a literal secret in service '\(s.name)'", at: f.location(node),
                                                 fix: "write `\(key): ${\(key)}` and put the value in the .env next to the compose file (chmod 600)"))
                } else if let r = Self.urlPassword(value) {
                    let offset = node.isScalar && node.string?.contains(value) == true ? (node.string!.range(of: value).map { node.string!.distance(from: node.string!.startIndex, to: $0.lowerBound) } ?? 0) + value.distance(from: value.startIndex, to: r.lowerBound) : 0
                    out.append(Self.info.finding("'\(key)' embeds a literal password in a URL in service '\(s.name)'", at: f.location(node).offset(by: offset, node: node, sourceLine: f.source.line(node.line))))
                }
            }
        }
        return out
    }
}
