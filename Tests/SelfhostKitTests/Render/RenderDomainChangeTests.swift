import Foundation
import Testing
@testable import SelfhostKit

/// A box has one domain and one ACME contact: a render that names others says so and changes
/// nothing (exit 2) unless `--force` (mix on purpose) or `--rehost` (move every app).
@Suite("Render: another --domain or --email than the box's")
struct RenderDomainChangeTests {
    func temp(_ name: String) throws -> URL { try TestSupport.tempDirectory("render-\(name)").appendingPathComponent("box") }

    func refused(_ body: () throws -> Void) -> SelfhostError? {
        do { try body() } catch let e as SelfhostError { return e } catch { return nil }
        return nil
    }

    @Test("a different --domain or --email: exit 2, the difference named, nothing written")
    func refusesSilentMix() throws {
        let out = try temp("domain-refused")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["umami", "gitea"], out: out, email: "ops@example.com")
        let before = RenderTestSupport.snapshot(out)

        let domain = refused { try RenderTestSupport.render(["umami", "listmonk"], out: out, domain: "newdomain.org") }
        #expect(domain?.status == .usage)
        #expect(domain?.message.contains("served under example.com, not newdomain.org") == true, "\(String(describing: domain?.message))")
        #expect(domain?.remedy?.contains("--rehost") == true && domain?.remedy?.contains("--force") == true)
        let email = refused { try RenderTestSupport.render(["umami"], out: out, domain: nil, email: "certs@example.org") }
        #expect(email?.status == .usage && email?.message.contains("ACME contact is ops@example.com, not certs@example.org") == true)
        let unchanged = RenderTestSupport.snapshot(out) == before
        #expect(unchanged, "a refused render must write nothing")

        // The same domain and e-mail again are no change.
        let (same, _, _) = try RenderTestSupport.render(["listmonk"], out: out, email: "ops@example.com")
        #expect(same == .success)
    }

    @Test("--force: existing apps stay where they are, new apps and the manifest take the new domain")
    func forceMixes() throws {
        let out = try temp("domain-force")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["umami"], out: out)
        let (status, _, _) = try RenderTestSupport.render(["gitea"], out: out, domain: "newdomain.org", force: true)
        #expect(status == .success)
        let caddy = try String(contentsOf: out.appendingPathComponent("caddy/Caddyfile"), encoding: .utf8)
        #expect(caddy.contains("umami.example.com {") && caddy.contains("gitea.newdomain.org {"))
        #expect(try RenderManifest.read(in: out)?.domain == "newdomain.org")
    }

    @Test("--rehost: every app under the old domain moves, the Caddyfile is re-issued, URLs in .env follow; other hosts stay")
    func rehost() throws {
        let out = try temp("rehost")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["umami", "nextcloud", "gitea"], out: out, hosts: ["umami=stats.example.com", "gitea=git.other.net"])
        let envURL = out.appendingPathComponent("nextcloud/.env")
        let before = RenderEnvFile.values(in: try String(contentsOf: envURL, encoding: .utf8))
        #expect(before["NEXTCLOUD_TRUSTED_DOMAINS"] == "nextcloud.example.com")

        let (ctx, stdout, _) = TestSupport.context(cwd: out.deletingLastPathComponent(), env: ["PATH": "/usr/bin:/bin"])
        let status = try RenderCommand.run(.init(apps: [], domain: "example.org", out: out.path, docker: RenderTestSupport.docker, rehost: true),
                                           store: .embedded, context: ctx)
        #expect(status == .success, "\(stdout.text)")
        let caddy = try String(contentsOf: out.appendingPathComponent("caddy/Caddyfile"), encoding: .utf8)
        for host in ["stats.example.org", "nextcloud.example.org", "git.other.net"] { #expect(caddy.contains("\(host) {"), "\(host):\n\(caddy)") }
        #expect(!caddy.contains("example.com"), "\(caddy)")
        let after = RenderEnvFile.values(in: try String(contentsOf: envURL, encoding: .utf8))
        #expect(after["NEXTCLOUD_TRUSTED_DOMAINS"] == "nextcloud.example.org")
        #expect(after.filter { $0.key != "NEXTCLOUD_TRUSTED_DOMAINS" } == before.filter { $0.key != "NEXTCLOUD_TRUSTED_DOMAINS" }, "secrets stay")
        let manifest = try #require(try RenderManifest.read(in: out))
        #expect(manifest.domain == "example.org" && manifest.apps["umami"]?.host == "stats.example.org" && manifest.apps["gitea"]?.host == "git.other.net")
        #expect(stdout.text.contains("umami moves from stats.example.com to stats.example.org"))
        #expect(stdout.text.contains("gitea stays at git.other.net"))
        #expect(stdout.text.contains("follow the new host/e-mail"), "\(stdout.text)")
        let failures = try RenderTestSupport.validateBox(out)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test("a derived value a person edited is not moved")
    func editedValueStays() {
        let text = "A=1\nNEXTCLOUD_TRUSTED_DOMAINS=cloud.mine.net\n"
        #expect(RenderEnvFile.replace("NEXTCLOUD_TRUSTED_DOMAINS", from: "nextcloud.example.com", to: "nextcloud.example.org", in: text) == nil)
        #expect(RenderEnvFile.replace("NEXTCLOUD_TRUSTED_DOMAINS", from: "cloud.mine.net", to: "x.example.org", in: text)
                == "A=1\nNEXTCLOUD_TRUSTED_DOMAINS=x.example.org\n")
    }

    @Test("--rehost without --domain: exit 2")
    func rehostNeedsDomain() throws {
        let out = try temp("rehost-nodomain")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["umami"], out: out)
        let (ctx, _, _) = TestSupport.context(cwd: out.deletingLastPathComponent())
        let e = refused { _ = try RenderCommand.run(.init(apps: [], out: out.path, docker: RenderTestSupport.docker, rehost: true), store: .embedded, context: ctx) }
        #expect(e?.status == .usage && e?.message.contains("--rehost needs --domain") == true)
    }
}
