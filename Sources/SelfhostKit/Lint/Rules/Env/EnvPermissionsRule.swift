/// env.permissions: a .env holding secrets that group or others can read.
struct EnvPermissionsRule: LintRule {
    static let info = RuleInfo(
        id: "env.permissions", severity: .warning,
        summary: "A .env file that holds secrets is readable (or writable) by group or others.",
        why: "Every local user and every process running as another account (a compromised web app, a backup agent) can read the database password and API tokens.",
        fix: "chmod 600 the file (owned by the user that runs compose).",
        security: true,
        examples: [
            .bad(ExampleFile(".env", "POSTGRES_PASSWORD=3x4mpl3-s3cr3t\n", mode: 0o644)),
            .bad(ExampleFile(".env", "POSTGRES_PASSWORD=3x4mpl3-s3cr3t\n", mode: 0o640)),
            .bad(ExampleFile(".env", "POSTGRES_PASSWORD=3x4mpl3-s3cr3t\n", mode: 0o602)),
            .good(ExampleFile(".env", "POSTGRES_PASSWORD=3x4mpl3-s3cr3t\n", mode: 0o600)),
            .good(ExampleFile(".env", "POSTGRES_PASSWORD=3x4mpl3-s3cr3t\n", mode: 0o700)),
            .good(ExampleFile(".env", "DOMAIN=example.com\nTAG=1.2\n", mode: 0o644)),
            .good(ExampleFile(".env.example", "POSTGRES_PASSWORD=change-me-to-something-long\n", mode: 0o644)),
        ])

    /// Exactly who besides the owner can read or write: `readable by group and others`, `writable by group`.
    static func who(_ mode: Int) -> String {
        func names(_ groupBit: Int, _ otherBit: Int) -> String? {
            let n = [mode & groupBit != 0 ? "group" : nil, mode & otherBit != 0 ? "others" : nil].compactMap { $0 }
            return n.isEmpty ? nil : n.joined(separator: " and ")
        }
        return [names(0o040, 0o004).map { "readable by \($0)" }, names(0o020, 0o002).map { "writable by \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
    }

    func check(_ project: LintProject) -> [Diagnostic] {
        project.envFiles.compactMap { e in
            guard let mode = e.source.mode, mode & 0o066 != 0 else { return nil }
            // Templates meant for git hold placeholders, not secrets.
            let name = e.source.url.lastPathComponent.lowercased()
            if ["example", "sample", "template", "dist"].contains(where: name.contains) { return nil }
            guard let secret = e.entries.first(where: { InlineSecretRule.looksSecret($0.key) && !$0.value.isEmpty && !$0.value.contains("$") }) else { return nil }
            return Self.info.finding("\(e.source.url.lastPathComponent) holds \(secret.key) but has mode \(String(mode & 0o777, radix: 8)) (\(Self.who(mode)))",
                                     at: e.source.location(1, 1), fix: "chmod 600 \(e.source.path)")
        }
    }
}
