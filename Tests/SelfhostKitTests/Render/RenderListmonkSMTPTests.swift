import Foundation
import Testing
@testable import SelfhostKit

/// listmonk keeps its SMTP servers in its database, not in env: with `render --smtp` its box gets two
/// one-shots, `install` (listmonk's own idempotent install) then `smtp-init` (psql from the db image
/// running smtp-seed.sql), and the app starts only after both completed. Without a relay neither is
/// there. The SQL itself (seed only the install's defaults, psql-quoted values) runs against a real
/// PostgreSQL in e2e/test_install.py.
@Suite("Render: listmonk's SMTP settings seeded by a one-shot")
struct RenderListmonkSMTPTests {
    let password = "it's \"quoted\"; DROP TABLE settings; --"

    func render(_ out: URL, smtp: String?, host: String? = nil, port: Int? = nil, env: [String: String]? = nil) throws -> SelfhostKit.ExitStatus {
        let credentials = env ?? ["SELFHOST_SMTP_USERNAME": "relay-user@example.com", "SELFHOST_SMTP_PASSWORD": password]
        var (ctx, _, _) = TestSupport.context(cwd: out.deletingLastPathComponent(), env: credentials.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a })
        ctx.promptSecret = { _ in nil }
        var options = RenderCommand.Options(apps: ["listmonk"], domain: "example.com", out: out.path, docker: RenderTestSupport.docker)
        options.smtp = smtp
        options.smtpHost = host
        options.smtpPort = port
        return try RenderCommand.run(options, store: .embedded, context: ctx)
    }

    func read(_ out: URL, _ file: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
    }

    func services(_ compose: String) throws -> [String: YAMLNode] {
        let root = try #require(try YAMLParser.parse(compose, file: "compose.yaml"))
        var out: [String: YAMLNode] = [:]
        for p in root["services"]?.pairs ?? [] { if let k = p.key.string { out[k] = p.value } }
        return out
    }

    @Test("with --smtp: install, then smtp-init with the relay in its environment, then the app")
    func oneShotWithRelay() throws {
        let dir = try TestSupport.tempDirectory("render-listmonk-smtp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        #expect(try render(out, smtp: "brevo") == .success)
        let compose = try read(out, "listmonk/compose.yaml")
        let svc = try services(compose)
        #expect(Set(svc.keys) == ["app", "db", "install", "smtp-init"])

        // The app waits for smtp-init, smtp-init for install, install for a healthy db.
        #expect(svc["app"]?["depends_on"]?["smtp-init"]?["condition"]?.string == "service_completed_successfully")
        #expect(svc["app"]?["depends_on"]?["db"]?["condition"]?.string == "service_healthy")
        #expect(svc["smtp-init"]?["depends_on"]?["install"]?["condition"]?.string == "service_completed_successfully")
        #expect(svc["install"]?["depends_on"]?["db"]?["condition"]?.string == "service_healthy")
        // One-shots: no restart policy (status counts an exit 0 as done), the images the box has already.
        for name in ["install", "smtp-init"] { #expect(svc[name]?["restart"]?.string == "no", "\(name)") }
        #expect(svc["install"]?["image"]?.string == svc["app"]?["image"]?.string)
        #expect(svc["smtp-init"]?["image"]?.string == svc["db"]?["image"]?.string)
        // install runs upstream's idempotent install and upgrade, without starting the server.
        let installCommand = (svc["install"]?["command"]?.items ?? []).compactMap(\.string).joined(separator: " ")
        #expect(installCommand == "sh -c ./listmonk --install --idempotent --yes --config '' && ./listmonk --upgrade --yes --config ''")

        // smtp-init: the relay only as ${...} variables, psql reading the mounted SQL file.
        let initEnv = Dictionary(uniqueKeysWithValues: (svc["smtp-init"]?["environment"]?.pairs ?? []).compactMap { p in
            p.key.string.flatMap { k in p.value.string.map { (k, $0) } } })
        for name in ["SMTP_SEED_HOST", "SMTP_SEED_PORT", "SMTP_SEED_USERNAME", "SMTP_SEED_PASSWORD", "SMTP_SEED_TLS", "SMTP_SEED_FROM"] {
            #expect(initEnv[name] == "${\(name)}", "\(name)")
        }
        #expect(initEnv["PGPASSWORD"] == "${POSTGRES_PASSWORD}" && initEnv["PGHOST"] == "${LISTMONK_db__host}")
        let initCommand = (svc["smtp-init"]?["command"]?.items ?? []).compactMap(\.string)
        #expect(initCommand == ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-f", "/smtp-seed.sql"])
        #expect((svc["smtp-init"]?["volumes"]?.items ?? []).compactMap(\.string) == ["./smtp-seed.sql:/smtp-seed.sql:ro"])
        // The app itself gets no SMTP variable, and no file but .env holds the password.
        #expect(!(svc["app"]?["environment"]?.pairs ?? []).contains { $0.key.string?.hasPrefix("SMTP") == true })
        for file in ["listmonk/compose.yaml", "listmonk/smtp-seed.sql", "README.md", ".selfhost/manifest.json"] {
            #expect(!(try read(out, file)).contains(password), "\(file) holds the SMTP password")
        }

        let env = RenderEnvFile.values(in: try read(out, "listmonk/.env"))
        #expect(env["SMTP_SEED_HOST"] == "smtp-relay.brevo.com" && env["SMTP_SEED_PORT"] == "587" && env["SMTP_SEED_TLS"] == "STARTTLS")
        #expect(env["SMTP_SEED_USERNAME"] == "relay-user@example.com" && env["SMTP_SEED_PASSWORD"] == password)
        #expect(env["SMTP_SEED_FROM"] == "noreply@example.com")
        let mode = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("listmonk/.env").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // The SQL only replaces what listmonk's install wrote, and takes every value as a psql variable.
        let sql = try read(out, "listmonk/smtp-seed.sql")
        #expect(sql.contains("WHERE key = 'smtp' AND value = '[{\"enabled\":true, \"host\":\"smtp.yoursite.com\""))
        #expect(sql.contains("WHERE key = 'app.from_email' AND value = '\"listmonk <noreply@listmonk.yoursite.com>\"'::jsonb"))
        #expect(sql.contains(":'smtp_password'") && sql.contains("\\getenv smtp_password SMTP_SEED_PASSWORD"))

        let readme = try read(out, "README.md")
        #expect(readme.contains("**listmonk** sends mail through the box's relay: render set `SMTP_SEED_HOST`"))
        #expect(readme.contains("smtp-init writes the relay there") && readme.contains("is never overwritten"))
        // docker compose config resolves every ${...} of the box.
        #expect(try RenderTestSupport.validateBox(out) == [])
    }

    @Test("implicit TLS on 465 maps to listmonk's tls_type TLS")
    func implicitTLS() throws {
        let dir = try TestSupport.tempDirectory("render-listmonk-smtp-tls")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        #expect(try render(out, smtp: "custom", host: "mail.example.net", port: 465) == .success)
        let env = RenderEnvFile.values(in: try read(out, "listmonk/.env"))
        #expect(env["SMTP_SEED_TLS"] == "TLS" && env["SMTP_SEED_PORT"] == "465" && env["SMTP_SEED_HOST"] == "mail.example.net")
    }

    @Test("without --smtp: no one-shot, no SMTP variable, the README says to set it by hand")
    func noRelayNoOneShot() throws {
        let dir = try TestSupport.tempDirectory("render-listmonk-nosmtp")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        #expect(try render(out, smtp: nil, env: [:]) == .success)
        let compose = try read(out, "listmonk/compose.yaml")
        #expect(Set(try services(compose).keys) == ["app", "db"])
        #expect(!compose.contains("smtp-init") && !compose.contains("SMTP_SEED") && !compose.contains("service_completed_successfully"))
        #expect(!(try read(out, "listmonk/.env")).contains("SMTP_SEED"))
        let readme = try read(out, "README.md")
        #expect(readme.contains("**listmonk** needs an outbound SMTP relay") && readme.contains("render can't set it"))
        #expect(try RenderTestSupport.validateBox(out) == [])
    }

    @Test("a re-render without --smtp keeps the one-shot and the values of the earlier relay")
    func reRenderKeepsOneShot() throws {
        let dir = try TestSupport.tempDirectory("render-listmonk-rerender")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        #expect(try render(out, smtp: "brevo") == .success)
        let first = try read(out, "listmonk/compose.yaml")
        #expect(try render(out, smtp: nil, env: [:]) == .success)
        #expect(try read(out, "listmonk/compose.yaml") == first)
        #expect(RenderEnvFile.values(in: try read(out, "listmonk/.env"))["SMTP_SEED_PASSWORD"] == password)
    }
}
