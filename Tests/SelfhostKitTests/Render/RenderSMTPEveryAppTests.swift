import Foundation
import Testing
import Yams
@testable import SelfhostKit

/// `render --smtp` for every catalog app that reads its mail relay from the environment: each of the
/// app's `smtp.env` variables must reach the container environment of every service that sends its
/// mail (`smtp.service`, default `app`, and `also_services`) with the relay's value, as Compose would
/// resolve it from the rendered compose.yaml and `.env`. A template that sets one of the names itself,
/// a sender service that isn't in the template, or a worker that passes some of the mail variables
/// but not all of them fails here.
@Suite("Render: --smtp reaches every app's mail-sending containers")
struct RenderSMTPEveryAppTests {
    /// A user name and password with the characters that break URLs, shells and `.env` files.
    static let username = "relay-user@example.com"
    static let password = "p@ss:w/rd %+#$1"

    @Test("every app with smtp.env: each variable reaches each sender's environment with the relay's value")
    func everyAppGetsItsVariables() throws {
        let apps = TestSupport.catalog.apps.filter { !$0.smtp.env.isEmpty }.sorted { $0.id < $1.id }
        let ids = Set(apps.map(\.id))
        // The apps whose mail this suite was written for must not silently lose their mapping.
        let known: Set<String> = ["chatwoot", "docmost", "documenso", "docuseal", "easy-appointments", "forgejo", "ghost", "gitea", "keila",
                                  "mautic", "n8n", "peertube", "rallly", "vaultwarden", "vikunja", "zulip"]
        #expect(known.subtracting(ids).isEmpty, "apps lost their smtp.env: \(known.subtracting(ids).sorted())")

        let dir = try TestSupport.tempDirectory("render-smtp-every-app")
        defer { try? FileManager.default.removeItem(at: dir) }
        let credentials = dir.appendingPathComponent("smtp.env")
        try "SELFHOST_SMTP_USERNAME=\(Self.username)\nSELFHOST_SMTP_PASSWORD='\(Self.password)'\n".write(to: credentials, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: credentials.path)

        for app in apps {
            #expect(app.isRenderable, "\(app.id) has smtp.env but render can't produce it")
            guard app.isRenderable else { continue }
            let out = dir.appendingPathComponent(app.id)
            var (ctx, _, stderr) = TestSupport.context(cwd: dir, env: ["PATH": "/usr/bin:/bin"])
            ctx.promptSecret = { _ in nil }
            var options = RenderCommand.Options(apps: [app.id], domain: "example.com", out: out.path, docker: RenderTestSupport.docker)
            options.smtp = "brevo"
            options.smtpCredentials = credentials.path
            // One app's failure is recorded and the others are still checked.
            let status: SelfhostKit.ExitStatus
            do { status = try RenderCommand.run(options, store: .embedded, context: ctx) } catch {
                Issue.record("render \(app.id) --smtp brevo: \(error)")
                continue
            }
            #expect(status == .success, "render \(app.id) --smtp brevo: \(stderr.text)")
            guard status == .success else { continue }

            let record = try #require(try RenderManifest.read(in: out)?.smtp)
            let relay = SMTPRelay(provider: record.provider, host: record.host, port: record.port,
                                  username: Self.username, password: Self.password, from: record.from)
            let dotenv = RenderEnvFile.values(in: try String(contentsOf: out.appendingPathComponent("\(app.id)/.env"), encoding: .utf8))
            let services = try Self.environments(of: out.appendingPathComponent("\(app.id)/compose.yaml"))
            let names = app.smtp.env.map(\.name)

            for service in app.smtp.senders {
                guard let environment = services[service] else {
                    Issue.record("\(app.id): mail-sending service '\(service)' is not in compose.yaml (services: \(services.keys.sorted()))")
                    continue
                }
                for variable in app.smtp.env {
                    let want = relay.expand(variable.value)
                    #expect(dotenv[variable.name] == want, "\(app.id)/.env \(variable.name)")
                    // The container keys whose value is passed from this .env variable.
                    let passing = environment.filter { Self.references($0.value, variable.name) }
                    #expect(passing.count == 1, "\(app.id) \(service): \(variable.name) is passed \(passing.count) times (\(passing.map(\.key).sorted()))")
                    for (key, raw) in passing {
                        let resolved = Self.interpolate(raw, dotenv)
                        #expect(resolved == want, "\(app.id) \(service): \(key) is \(resolved.map { "'\($0)'" } ?? "unresolved"), want '\(want)' (from \(variable.name))")
                    }
                }
            }
            // A service that is not a sender but passes some of the mail variables (a worker that
            // delivers queued mail, say) must get all of them: list it under also_services.
            for (service, environment) in services where !app.smtp.senders.contains(service) {
                let some = names.filter { n in environment.values.contains { Self.references($0, n) } }
                #expect(some.isEmpty || some.count == names.count,
                        "\(app.id) \(service) passes \(some) but not \(names.filter { !some.contains($0) }): add it to smtp.also_services")
            }
        }
    }

    /// Each service's `environment:` as written (map or `KEY=VALUE` list), values unresolved.
    static func environments(of compose: URL) throws -> [String: [String: String]] {
        let text = try String(contentsOf: compose, encoding: .utf8)
        let root = try #require(try Yams.load(yaml: text) as? [String: Any])
        let services = try #require(root["services"] as? [String: Any])
        var out: [String: [String: String]] = [:]
        for (name, body) in services {
            var env: [String: String] = [:]
            let environment = (body as? [String: Any])?["environment"]
            if let map = environment as? [String: Any] {
                for (k, v) in map { env[k] = v is NSNull ? "" : "\(v)" }
            } else if let list = environment as? [String] {
                for item in list {
                    let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                    env[String(parts[0])] = parts.count == 2 ? String(parts[1]) : ""
                }
            }
            out[name] = env
        }
        return out
    }

    /// Whether a compose value takes `name` from the environment (`${NAME}`, `${NAME:-…}`, `$NAME`).
    static func references(_ raw: String, _ name: String) -> Bool {
        raw.contains("${\(name)}") || raw.contains("${\(name):") || raw.contains("${\(name)-") || raw.contains("${\(name)?")
            || raw.range(of: "(?<!\\$)\\$\(name)(?![A-Za-z0-9_])", options: .regularExpression) != nil
    }

    /// `raw` as Compose interpolates it from `.env`: `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
    /// `$NAME` and `$$`; nil when a name without a default is missing.
    static func interpolate(_ raw: String, _ env: [String: String]) -> String? {
        var out = ""
        var rest = Substring(raw)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar]
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("$") {
                out += "$"
                rest = after.dropFirst()
            } else if after.hasPrefix("{") {
                guard let close = after.firstIndex(of: "}") else { return nil }
                let inner = after[after.index(after: after.startIndex)..<close]
                if let r = inner.range(of: ":-") {
                    let v = env[String(inner[..<r.lowerBound])] ?? ""
                    out += v.isEmpty ? String(inner[r.upperBound...]) : v
                } else if let r = inner.range(of: "-") {
                    out += env[String(inner[..<r.lowerBound])] ?? String(inner[r.upperBound...])
                } else {
                    guard let v = env[String(inner)] else { return nil }
                    out += v
                }
                rest = after[after.index(after: close)...]
            } else {
                let name = after.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                guard !name.isEmpty, let v = env[String(name)] else { return nil }
                out += v
                rest = after.dropFirst(name.count)
            }
        }
        return out + rest
    }
}
