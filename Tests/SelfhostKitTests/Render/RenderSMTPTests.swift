import Foundation
import Testing
@testable import SelfhostKit

/// `render --smtp PROVIDER`: one relay for the box, credentials given once (file, environment or
/// terminal, never the command line), written into each app's own variables without overwriting a
/// value a person set; the README and the JSON report say which apps got mail settings.
@Suite("Render: --smtp, one relay for every app")
struct RenderSMTPTests {
    func temp(_ name: String) throws -> URL { try TestSupport.tempDirectory("render-smtp-\(name)").appendingPathComponent("box") }

    /// Renders with a relay; credentials from `env`, `file` or `prompt` (the terminal).
    @discardableResult
    func render(_ apps: [String], out: URL, smtp: String? = "brevo", host: String? = nil, port: Int? = nil, region: String? = nil,
                from: String? = nil, file: String? = nil, env: [String: String] = ["SELFHOST_SMTP_USERNAME": "relay-user@example.com",
                                                                                 "SELFHOST_SMTP_PASSWORD": "s3cret key#1"],
                prompt: [String] = [], format: OutputFormat = .text) throws -> (SelfhostKit.ExitStatus, String, String) {
        var (ctx, stdout, stderr) = TestSupport.context(cwd: out.deletingLastPathComponent(), env: env.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a })
        let answers = Answers(prompt)
        ctx.promptSecret = { p in answers.next(p) }
        var options = RenderCommand.Options(apps: apps, domain: "example.com", out: out.path, docker: RenderTestSupport.docker, format: format)
        options.smtp = smtp
        options.smtpHost = host
        options.smtpPort = port
        options.smtpRegion = region
        options.smtpFrom = from
        options.smtpCredentials = file
        let status = try RenderCommand.run(options, store: .embedded, context: ctx)
        return (status, stdout.text, stderr.text)
    }

    final class Answers: @unchecked Sendable {
        var left: [String]
        var asked: [String] = []
        init(_ a: [String]) { left = a }
        func next(_ prompt: String) -> String? {
            asked.append(prompt)
            return left.isEmpty ? nil : left.removeFirst()
        }
    }

    func env(_ out: URL, _ app: String) throws -> [String: String] {
        RenderEnvFile.values(in: try String(contentsOf: out.appendingPathComponent("\(app)/.env"), encoding: .utf8))
    }

    func compose(_ out: URL, _ app: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent("\(app)/compose.yaml"), encoding: .utf8)
    }

    func usageError(_ body: () throws -> Void) -> SelfhostError? {
        do { try body() } catch let e as SelfhostError { return e } catch { return nil }
        return nil
    }

    @Test("each app gets the relay in the variables it reads; apps without env mail are named, not touched")
    func fillsEachAppsOwnVariables() throws {
        let out = try temp("fill")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let (status, stdout, _) = try render(["gitea", "vaultwarden", "umami", "listmonk"], out: out)
        #expect(status == .success)

        let gitea = try env(out, "gitea")
        #expect(gitea["GITEA__mailer__ENABLED"] == "true", "the catalog default false is the render's, so the relay replaces it")
        #expect(gitea["GITEA__mailer__PROTOCOL"] == "smtp+starttls")
        #expect(gitea["GITEA__mailer__SMTP_ADDR"] == "smtp-relay.brevo.com" && gitea["GITEA__mailer__SMTP_PORT"] == "587")
        #expect(gitea["GITEA__mailer__USER"] == "relay-user@example.com" && gitea["GITEA__mailer__PASSWD"] == "s3cret key#1")
        #expect(gitea["GITEA__mailer__FROM"] == "noreply@example.com")
        let giteaCompose = try compose(out, "gitea")
        #expect(giteaCompose.contains("GITEA__mailer__SMTP_ADDR: \"${GITEA__mailer__SMTP_ADDR}\""))
        #expect(giteaCompose.components(separatedBy: "GITEA__mailer__ENABLED:").count == 2, "a variable the template already passes is not passed twice")

        let vw = try env(out, "vaultwarden")
        #expect(vw["SMTP_HOST"] == "smtp-relay.brevo.com" && vw["SMTP_SECURITY"] == "starttls" && vw["SMTP_FROM"] == "noreply@example.com")
        #expect(vw["SMTP_USERNAME"] == "relay-user@example.com" && vw["SMTP_PASSWORD"] == "s3cret key#1")

        // Umami sends no mail; listmonk keeps its SMTP servers in its database: its one-shot smtp-init
        // seeds them (RenderListmonkSMTPTests), so the relay is in its .env, never in its compose file.
        #expect(try env(out, "umami").keys.allSatisfy { !$0.contains("SMTP") && !$0.contains("MAIL") })
        #expect(!(try compose(out, "listmonk")).contains("smtp-relay"))
        #expect(stdout.contains("Mail goes through brevo at smtp-relay.brevo.com:587 from noreply@example.com: settings written for gitea, listmonk, vaultwarden"))
        #expect(!stdout.contains("set by hand in") && stdout.contains("no mail: umami"))

        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("**Gitea** sends mail through the box's relay: render set `GITEA__mailer__ENABLED`"))
        #expect(readme.contains("**listmonk** sends mail through the box's relay: render set `SMTP_SEED_HOST`"))
        #expect(readme.contains("Apps that send no mail: Umami."))
        // The credentials are in the apps' .env files only: never in the manifest, README or compose files.
        for file in ["README.md", ".selfhost/manifest.json", "gitea/compose.yaml", "vaultwarden/compose.yaml", "gitea/.env.example"] {
            let text = try String(contentsOf: out.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("s3cret key#1"), "\(file) holds the SMTP password")
        }
        let manifest = try #require(try RenderManifest.read(in: out))
        #expect(manifest.smtp == .init(provider: "brevo", host: "smtp-relay.brevo.com", port: 587, from: "noreply@example.com"))
        // The real validators accept the box (compose config resolves every ${...}).
        #expect(try RenderTestSupport.validateBox(out) == [])
    }

    @Test("a value a person set is kept; re-rendering without --smtp keeps the relay's settings passed")
    func keepsEditedValues() throws {
        let out = try temp("keep")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try render(["gitea"], out: out, smtp: nil)
        let envURL = out.appendingPathComponent("gitea/.env")
        // The owner had set gitea's mail by hand before there was a relay.
        var text = try String(contentsOf: envURL, encoding: .utf8)
        text += "GITEA__mailer__SMTP_ADDR=mail.internal.example.com\n"
        try text.write(to: envURL, atomically: true, encoding: .utf8)

        let (status, stdout, _) = try render(["gitea"], out: out)
        #expect(status == .success)
        let gitea = try env(out, "gitea")
        #expect(gitea["GITEA__mailer__SMTP_ADDR"] == "mail.internal.example.com", "a person's value is never overwritten")
        #expect(gitea["GITEA__mailer__USER"] == "relay-user@example.com")
        #expect(stdout.contains("gitea/.env keeps your GITEA__mailer__SMTP_ADDR"))

        // Without --smtp (no credentials at hand) the compose file still passes the settings.
        let (again, _, _) = try render(["gitea"], out: out, smtp: nil, env: [:])
        #expect(again == .success)
        #expect(try compose(out, "gitea").contains("GITEA__mailer__PASSWD: \"${GITEA__mailer__PASSWD}\""))
        #expect(try env(out, "gitea")["GITEA__mailer__PASSWD"] == "s3cret key#1")
    }

    @Test("credentials: a mode-0600 file, else the environment, else the terminal without echo; refused when none")
    func credentialSources() throws {
        let dir = try TestSupport.tempDirectory("render-smtp-creds")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("smtp.env")
        try "SELFHOST_SMTP_USERNAME=file-user\nSELFHOST_SMTP_PASSWORD='file pass'\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file.path)
        let loose = usageError { try render(["gitea"], out: dir.appendingPathComponent("a"), file: file.path, env: [:]) }
        #expect(loose?.status == .usage && loose?.message.contains("can be read by other users") == true && loose?.remedy == "chmod 600 \(file.path)")

        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        try render(["gitea"], out: dir.appendingPathComponent("a"), file: file.path)
        #expect(try env(dir.appendingPathComponent("a"), "gitea")["GITEA__mailer__PASSWD"] == "file pass", "the file wins over the environment")

        // SendGrid's user name is the fixed word apikey: only the password is asked for.
        let b = dir.appendingPathComponent("b")
        var (ctx, _, _) = TestSupport.context(cwd: dir, env: [:])
        let answers = Answers(["SG.typed-at-the-terminal"])
        ctx.promptSecret = { answers.next($0) }
        var options = RenderCommand.Options(apps: ["vaultwarden"], domain: "example.com", out: b.path, docker: RenderTestSupport.docker)
        options.smtp = "sendgrid"
        #expect(try RenderCommand.run(options, store: .embedded, context: ctx) == .success)
        #expect(answers.asked.count == 1 && answers.asked[0].hasPrefix("SMTP password"))
        let vw = try env(b, "vaultwarden")
        #expect(vw["SMTP_USERNAME"] == "apikey" && vw["SMTP_PASSWORD"] == "SG.typed-at-the-terminal" && vw["SMTP_HOST"] == "smtp.sendgrid.net")

        let none = usageError { try render(["gitea"], out: dir.appendingPathComponent("c"), env: [:]) }
        #expect(none?.status == .usage && none?.message.contains("no SMTP credentials") == true)
        #expect(none?.remedy?.contains("never on the command line") == true)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("c").path), "nothing written")
    }

    @Test("custom relays, implicit TLS, SES regions and bad input")
    func customAndErrors() throws {
        let dir = try TestSupport.tempDirectory("render-smtp-custom")
        defer { try? FileManager.default.removeItem(at: dir) }
        try render(["gitea", "vaultwarden", "n8n"], out: dir.appendingPathComponent("a"), smtp: "custom", host: "mail.example.net", port: 465,
                   from: "apps@example.com")
        let a = dir.appendingPathComponent("a")
        #expect(try env(a, "gitea")["GITEA__mailer__PROTOCOL"] == "smtps")
        #expect(try env(a, "vaultwarden")["SMTP_SECURITY"] == "force_tls" && (try env(a, "vaultwarden")["SMTP_PORT"]) == "465")
        #expect(try env(a, "n8n")["N8N_SMTP_SSL"] == "true" && (try env(a, "n8n")["N8N_SMTP_SENDER"]) == "apps@example.com")

        try render(["gitea"], out: dir.appendingPathComponent("b"), smtp: "ses", region: "eu-west-1")
        #expect(try env(dir.appendingPathComponent("b"), "gitea")["GITEA__mailer__SMTP_ADDR"] == "email-smtp.eu-west-1.amazonaws.com")

        let noRegion = usageError { try render(["gitea"], out: dir.appendingPathComponent("c"), smtp: "ses") }
        #expect(noRegion?.remedy?.contains("--smtp-region") == true)
        let noHost = usageError { try render(["gitea"], out: dir.appendingPathComponent("c"), smtp: "custom") }
        #expect(noHost?.message == "--smtp custom needs --smtp-host")
        let unknown = usageError { try render(["gitea"], out: dir.appendingPathComponent("c"), smtp: "sendgird") }
        #expect(unknown?.message == "unknown email provider 'sendgird'" && unknown?.remedy?.contains("sendgrid") == true)
        let badFrom = usageError { try render(["gitea"], out: dir.appendingPathComponent("c"), from: "not an address") }
        #expect(badFrom?.message.hasPrefix("--smtp-from") == true)
        let orphan = usageError {
            var (ctx, _, _) = TestSupport.context(cwd: dir, env: [:])
            ctx.promptSecret = { _ in nil }
            var o = RenderCommand.Options(apps: ["gitea"], domain: "example.com", out: dir.appendingPathComponent("c").path, docker: RenderTestSupport.docker)
            o.smtpHost = "mail.example.net"
            _ = try RenderCommand.run(o, store: .embedded, context: ctx)
        }
        #expect(orphan?.message == "--smtp-host goes with --smtp PROVIDER")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("c").path))
    }

    @Test("the JSON report lists the relay and the apps, never the credentials")
    func jsonReport() throws {
        let out = try temp("json")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let (_, stdout, _) = try render(["gitea", "umami"], out: out, format: .json)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let mail = try #require(json["mail"] as? [String: Any])
        #expect(mail["provider"] as? String == "brevo" && mail["port"] as? Int == 587)
        #expect(mail["filled_apps"] as? [String] == ["gitea"] && mail["no_mail_apps"] as? [String] == ["umami"])
        #expect(!stdout.contains("s3cret"))
    }

    @Test("catalog smtp.env values: known placeholders only")
    func placeholders() {
        let relay = SMTPRelay(provider: "custom", host: "h.example", port: 587, username: "u", password: "p", from: "f@example.com")
        #expect(relay.expand("{host}:{port} {tls:a|b} {username}/{password} <{from}>") == "h.example:587 a u/p <f@example.com>")
        #expect(SMTPRelay.problem("{host}") == nil && SMTPRelay.problem("{tls:x|y}") == nil)
        #expect(SMTPRelay.problem("{hostname}")?.contains("unknown placeholder {hostname}") == true)
        #expect(SMTPRelay.problem("{tls:x}") != nil && SMTPRelay.problem("{host") != nil)
        // A DSN URL (Mautic): the user and password percent-encoded, so `@ : / % +` and UTF-8 can't reshape it.
        let url = SMTPRelay(provider: "custom", host: "h.example", port: 465, username: "me@example.com", password: "p@ss:w/rd %+#$~é", from: "f@example.com")
        #expect(url.expand("{tls:smtp|smtps}://{username_urlencoded}:{password_urlencoded}@{host}:{port}")
                    == "smtps://me%40example.com:p%40ss%3Aw%2Frd%20%25%2B%23%24~%C3%A9@h.example:465")
        #expect(SMTPRelay.problem("{password_urlencoded}") == nil && SMTPRelay.problem("{username_urlencoded}") == nil)
    }
}
