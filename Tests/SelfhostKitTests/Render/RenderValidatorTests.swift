import Foundation
import Testing
@testable import SelfhostKit

/// Every renderable app of the shipped catalog, alone and all in one box, through the real
/// validators: docker-compose config, caddy validate (and fmt), systemd-analyze verify.
@Suite("Render: real validators")
struct RenderValidatorTests {
    @Test("the shipped catalog has renderable apps")
    func catalogHasRenderableApps() {
        #expect(!RenderTestSupport.renderableApps.isEmpty)
    }

    @Test("each renderable app alone passes the validators", arguments: RenderTestSupport.renderableApps)
    func alone(_ app: String) throws {
        let out = try TestSupport.tempDirectory("render-\(app)").appendingPathComponent("box")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let (status, _, _) = try RenderTestSupport.render([app], out: out)
        #expect(status == .success)
        let failures = try RenderTestSupport.validateBox(out)
        #expect(failures.isEmpty, "\(app):\n\(failures.joined(separator: "\n"))")
    }

    @Test("all renderable apps in one box pass the validators")
    func allTogether() throws {
        let apps = RenderTestSupport.renderableApps
        let out = try TestSupport.tempDirectory("render-all").appendingPathComponent("box")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let (status, _, _) = try RenderTestSupport.render(apps, out: out, email: "ops@example.com")
        #expect(status == .success)
        let files = RenderTestSupport.snapshot(out)
        for app in apps {
            #expect(files["\(app)/compose.yaml"] != nil)
            #expect(files["caddy/Caddyfile"]?.contains("\(app).example.com {") == true)
            #expect(files["caddy/compose.yaml"]?.contains("name: selfhost_\(app)_web") == true)
            #expect(files["systemd/selfhost-\(app).service"] != nil)
            #expect(files["systemd/selfhost-\(app)-backup.timer"] != nil)
        }
        let failures = try RenderTestSupport.validateBox(out)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test("every compose file follows the box's rules", arguments: RenderTestSupport.renderableApps)
    func composeRules(_ app: String) throws {
        let out = try TestSupport.tempDirectory("render-rules-\(app)").appendingPathComponent("box")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render([app], out: out)
        let files = RenderTestSupport.snapshot(out)
        let compose = try #require(files["\(app)/compose.yaml"])
        let env = try #require(files["\(app)/.env"])
        #expect(!compose.contains("\nversion:") && !compose.contains("\nname:"))
        #expect(!compose.contains(":latest"))
        // Every ${VAR} is defined in the neighbouring .env.
        let keys = RenderEnvFile.keys(in: env)
        for v in RenderBox.interpolatedVariables(compose) {
            #expect(keys.contains(v), "\(app): ${\(v)} is not in .env")
        }
        // Each service: restart, no-new-privileges, log rotation, memory limit.
        let serviceCount = compose.components(separatedBy: "\n    image: ").count - 1
        #expect(compose.components(separatedBy: "    restart: unless-stopped").count - 1 + compose.components(separatedBy: "    restart: on-failure").count - 1 == serviceCount)
        #expect(compose.components(separatedBy: "- no-new-privileges:true").count - 1 == serviceCount)
        #expect(compose.components(separatedBy: "max-size: \"10m\"").count - 1 == serviceCount)
        #expect(compose.components(separatedBy: "    mem_limit: ").count - 1 == serviceCount)
        // Only the public extra ports are published, never a database port.
        for port in ["5432", "3306", "6379", "27017", "11211", "5672", "8123", "9200"] {
            #expect(!compose.contains("\"\(port):"), "\(app) publishes \(port)")
        }
        // .env is private.
        let attrs = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("\(app)/.env").path)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
    }
}
