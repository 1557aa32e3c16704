import Foundation
import Testing
import Yams
@testable import SelfhostKit

/// What the box tells people and fills in for them: one-shot steps in the install section with
/// the real service names, settings the render knows, PEM keys, the .env in backups, Caddy reloads.
@Suite("Render: README, settings and reloads")
struct RenderReadmeAndSettingsTests {
    func temp(_ name: String) throws -> URL { try TestSupport.tempDirectory("render-\(name)").appendingPathComponent("box") }

    @Test("Chatwoot's database setup is in the install section, before starting, with the service `app`")
    func chatwootFirstStart() throws {
        let out = try temp("chatwoot")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["chatwoot"], out: out)
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        let step = "docker compose run --rm app bundle exec rails db:chatwoot_prepare"
        let install = try #require(readme.range(of: "## 3. Install and start"))
        let backups = try #require(readme.range(of: "## 5. Backups"))
        let stepAt = try #require(readme.range(of: step), "README lacks `\(step)`")
        let enable = try #require(readme.range(of: "sudo systemctl enable --now"))
        #expect(install.upperBound < stepAt.lowerBound && stepAt.upperBound < enable.lowerBound, "not before starting, in the install section")
        #expect(!readme[backups.lowerBound...].contains("db:chatwoot_prepare"), "the one-shot step is still under Backups")
        #expect(!readme.contains("run --rm rails"))
        // The external web network must exist for `docker compose run` before the unit ever ran.
        // With the subnet the unit gives it, so Caddy's address is the one the app trusts.
        let subnet = try #require(try RenderManifest.read(in: out)?.subnets?["chatwoot"])
        #expect(readme.contains("docker network create --subnet \(subnet) selfhost_chatwoot_web"))
    }

    @Test("every `docker compose run|exec SERVICE` in a box of every app names a service of that app's compose file")
    func commandsNameRealServices() throws {
        let out = try temp("all-commands")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(RenderTestSupport.renderableApps, out: out, email: "ops@example.com")
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        var services: [String: Set<String>] = [:]
        var current: String?
        var checked = 0
        for line in readme.split(separator: "\n").map(String.init) {
            if line.hasPrefix("cd \(out.path)/") {
                let app = String(line.dropFirst("cd \(out.path)/".count))
                current = app
                if services[app] == nil {
                    let yaml = try String(contentsOf: out.appendingPathComponent("\(app)/compose.yaml"), encoding: .utf8)
                    services[app] = Set((try Yams.compose(yaml: yaml))?.mapping?["services"]?.mapping?.keys.compactMap(\.string) ?? [])
                }
                continue
            }
            guard let svc = RenderAppSetup.composeService(of: line) else { continue }
            let app = try #require(current, "a compose command before any `cd`: \(line)")
            #expect(services[app]?.contains(svc) == true, "\(app): `\(line)` names '\(svc)', not one of \(services[app]?.sorted() ?? [])")
            checked += 1
        }
        #expect(checked > 30, "only \(checked) commands checked")
    }

    @Test("a setup step naming a service the compose file lacks is refused at render time")
    func wrongServiceRefused() throws {
        let setup = RenderAppSetup(beforeStart: [.init(command: "docker compose run --rm rails bundle exec rails db:chatwoot_prepare", why: "x")])
        #expect(throws: SelfhostError.self) { try setup.check(services: ["app", "db", "redis", "sidekiq"], appID: "chatwoot") }
        #expect(RenderAppSetup.composeService(of: "docker compose exec -T -u www-data app php occ") == "app")
        // Every shipped setup.yaml loads and checks against its rendered compose file (render does both).
        for id in RenderTestSupport.renderableApps { _ = try RenderAppSetup.load(id, store: .embedded) }
    }

    @Test("values the render knows are filled in; existing values, even empty ones, are never changed")
    func derivedSettings() throws {
        let out = try temp("derived")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["n8n", "nextcloud", "prestashop"], out: out, hosts: ["n8n=flows.example.com"], email: "ops@example.com")
        func env(_ app: String) throws -> [String: String] {
            RenderEnvFile.values(in: try String(contentsOf: out.appendingPathComponent("\(app)/.env"), encoding: .utf8))
        }
        #expect(try env("n8n")["N8N_HOST"] == "flows.example.com")
        #expect(try env("nextcloud")["NEXTCLOUD_TRUSTED_DOMAINS"] == "nextcloud.example.com")
        #expect(try env("prestashop")["ADMIN_MAIL"] == "ops@example.com")
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(!readme.contains("set `N8N_HOST`") && !readme.contains("set `NEXTCLOUD_TRUSTED_DOMAINS`") && !readme.contains("set `ADMIN_MAIL`"))

        // A person's value, and a key a person left empty, stay as they are on a re-render.
        let n8n = out.appendingPathComponent("n8n/.env")
        let edited = try String(contentsOf: n8n, encoding: .utf8).replacingOccurrences(of: "N8N_HOST=flows.example.com", with: "N8N_HOST=")
        try edited.write(to: n8n, atomically: true, encoding: .utf8)
        try RenderTestSupport.render(["n8n"], out: out, hosts: ["n8n=other.example.com"])
        #expect(try String(contentsOf: n8n, encoding: .utf8) == edited)

        // Without --email, ADMIN_MAIL is left for a person (a made-up address would be worse).
        let out2 = try temp("derived-noemail")
        defer { try? FileManager.default.removeItem(at: out2.deletingLastPathComponent()) }
        try RenderTestSupport.render(["prestashop"], out: out2)
        let env2 = RenderEnvFile.values(in: try String(contentsOf: out2.appendingPathComponent("prestashop/.env"), encoding: .utf8))
        #expect(env2["ADMIN_MAIL"] == "")
    }

    @Test("Saleor's README says how to generate RSA_PRIVATE_KEY and quote the PEM in .env, and it works with compose")
    func saleorPEM() throws {
        let out = try temp("saleor")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["saleor"], out: out)
        let env = RenderEnvFile.values(in: try String(contentsOf: out.appendingPathComponent("saleor/.env"), encoding: .utf8))
        #expect(env["ALLOWED_CLIENT_HOSTS"] == "saleor.example.com", "the dashboard's host")
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        let line = try #require(readme.split(separator: "\n").first { $0.contains("RSA_PRIVATE_KEY") && $0.contains("openssl genrsa") })
        let start = try #require(line.range(of: "`sed -i"))
        let end = try #require(line.range(of: ">> .env`"))
        let command = String(line[line.index(after: start.lowerBound)..<line.index(before: end.upperBound)])
        guard let openssl = RenderTestSupport.tool("openssl", package: "openssl"),
              let compose = RenderTestSupport.tool("docker-compose", package: "docker-compose") else { return }
        _ = openssl
        let dir = out.appendingPathComponent("saleor")
        let r = try RenderTestSupport.run("/bin/bash", ["-c", command], cwd: dir)
        #expect(r.status == 0, "\(r.output)")
        let c = try RenderTestSupport.run(compose, ["config"], cwd: dir)
        #expect(c.status == 0, "\(c.output)")
        #expect(c.output.contains("BEGIN PRIVATE KEY") || c.output.contains("BEGIN RSA PRIVATE KEY"), "the key didn't reach the service")
        #expect(!c.output.contains("\\n"), "line breaks stayed escaped")
    }

    @Test("Caddy gets its config directory, not the file: a re-render's rename is what reload sees")
    func caddyMountsDirectory() throws {
        let out = try temp("caddy")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let store = try RenderTestSupport.fixtureStore()
        try RenderTestSupport.render(["umami"], out: out, store: store)
        let caddyfile = out.appendingPathComponent("caddy/Caddyfile")
        func inode() throws -> UInt64 { (try FileManager.default.attributesOfItem(atPath: caddyfile.path)[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0 }
        let before = try inode()
        try RenderTestSupport.render(["umami", "gitea"], out: out, store: store)
        #expect(try inode() != before, "render no longer replaces by rename: revisit the mount")

        let yaml = try String(contentsOf: out.appendingPathComponent("caddy/compose.yaml"), encoding: .utf8)
        let mounts = (try Yams.compose(yaml: yaml))?.mapping?["services"]?.mapping?["caddy"]?.mapping?["volumes"]?.sequence?.compactMap(\.string) ?? []
        // `systemctl reload selfhost-caddy` runs caddy/reload.sh, which ends in `caddy reload --config …`.
        let script = try String(contentsOf: out.appendingPathComponent("caddy/reload.sh"), encoding: .utf8)
        let reload = try #require(script.split(separator: "\n").first { $0.contains("caddy reload --config") })
        let config = try #require(reload.split(separator: " ").drop { $0 != "--config" }.dropFirst().first.map(String.init))
        // The mount that holds the config: a host directory, not a single file.
        let parsed: [[String]] = mounts.map { m in m.split(separator: ":").map { String($0) } }
        let holding: [[String]] = parsed.filter { p in p.count >= 2 && (config == p[1] || config.hasPrefix(p[1] + "/")) }
        let longest: [String]? = holding.max { a, b in a[1].count < b[1].count }
        let holder: [String] = try #require(longest, "no mount holds \(config): \(mounts)")
        var isDir: ObjCBool = false
        let source = out.appendingPathComponent("caddy").appendingPathComponent(holder[0]).standardizedFileURL
        #expect(FileManager.default.fileExists(atPath: source.path, isDirectory: &isDir) && isDir.boolValue, "\(holder[0]) is a file mount")
        #expect(source.appendingPathComponent(String(config.dropFirst(holder[1].count))).standardizedFileURL.path == caddyfile.standardizedFileURL.path)
        #expect(holder.count == 3 && holder[2] == "ro")
    }

    @Test("a duplicate --host for one app exits 2 and writes nothing")
    func duplicateHost() throws {
        let out = try temp("dup-host")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        do {
            try RenderTestSupport.render(["umami"], out: out, store: try RenderTestSupport.fixtureStore(),
                                         hosts: ["umami=a.example.com", "umami=b.example.com"])
            Issue.record("accepted")
        } catch let e as SelfhostError {
            #expect(e.status == .usage)
            #expect(e.message.contains("--host names umami twice"), "\(e.message)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("the text report counts skipped files in good English", arguments: [1, 2])
    func skippedGrammar(_ n: Int) throws {
        let out = try temp("grammar")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let store = try RenderTestSupport.fixtureStore()
        try RenderTestSupport.render(["umami"], out: out, store: store)
        for path in ["umami/compose.yaml", "umami/backup.sh"].prefix(n) {
            let url = out.appendingPathComponent(path)
            try (try String(contentsOf: url, encoding: .utf8) + "# mine\n").write(to: url, atomically: true, encoding: .utf8)
        }
        let (_, text, _) = try RenderTestSupport.render(["umami"], out: out, store: store)
        #expect(text.contains(n == 1 ? "1 file was left as it is:" : "2 files were left as they are:"), "\(text)")
    }
}
