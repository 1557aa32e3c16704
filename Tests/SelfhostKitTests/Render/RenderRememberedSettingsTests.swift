import Foundation
import Testing
@testable import SelfhostKit

/// Settings a box keeps across renders: the ACME e-mail, each web network's subnet (which apps
/// trust as their proxy), and what the README says about ports moved to another host port.
@Suite("Render: remembered e-mail, web network subnets, moved ports")
struct RenderRememberedSettingsTests {
    func temp(_ name: String) throws -> URL { try TestSupport.tempDirectory("render-\(name)").appendingPathComponent("box") }

    func read(_ out: URL, _ path: String) throws -> String {
        try String(contentsOf: out.appendingPathComponent(path), encoding: .utf8)
    }

    @Test("a render without --email keeps the box's ACME e-mail; a new --email with --force replaces it")
    func rememberedEmail() throws {
        let out = try temp("email")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["umami", "listmonk"], out: out, email: "ops@example.com")
        #expect(try read(out, "caddy/Caddyfile").contains("{\n\temail ops@example.com\n}"))
        #expect(try RenderManifest.read(in: out)?.email == "ops@example.com")

        let (status, _, _) = try RenderTestSupport.render(["gitea"], out: out, domain: nil)
        #expect(status == .success)
        let caddy = try read(out, "caddy/Caddyfile")
        #expect(caddy.contains("{\n\temail ops@example.com\n}"), "the ACME contact must survive a render without --email:\n\(caddy)")
        #expect(caddy.contains("gitea.example.com {"))

        // Another contact is a decision: --force (or --rehost) says so.
        try RenderTestSupport.render(["umami"], out: out, domain: nil, email: "certs@example.org", force: true)
        #expect(try read(out, "caddy/Caddyfile").contains("{\n\temail certs@example.org\n}"))
        #expect(try RenderManifest.read(in: out)?.email == "certs@example.org")
    }

    @Test("an e-mail edited into the manifest is checked like --email (exit 2, nothing written)")
    func tamperedEmail() throws {
        let out = try temp("email-bad")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["umami"], out: out, email: "ops@example.com")
        let url = out.appendingPathComponent(RenderManifest.relativePath)
        var manifest = try #require(try RenderManifest.read(in: out))
        manifest.email = "ops@example.com\n}\n:80 {"
        try manifest.encoded().write(to: url, atomically: true, encoding: .utf8)
        let before = RenderTestSupport.snapshot(out)
        var error: SelfhostError?
        do { try RenderTestSupport.render(["gitea"], out: out) } catch let e as SelfhostError { error = e }
        #expect(error?.status == .usage && error?.message.contains("remembers the e-mail") == true)
        let unchanged = RenderTestSupport.snapshot(out) == before
        #expect(unchanged, "a refused render must write nothing")
    }

    @Test("each web network gets its own subnet, kept across renders; Nextcloud trusts its own")
    func subnets() throws {
        let out = try temp("subnets")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["umami", "gitea"], out: out)
        let first = try #require(try RenderManifest.read(in: out)?.subnets)
        #expect(first == ["gitea": "10.231.0.0/24", "umami": "10.231.1.0/24"])
        #expect(try read(out, "systemd/selfhost-umami.service").contains("network create --subnet 10.231.1.0/24 selfhost_umami_web'"))

        // nextcloud sorts between them, but the subnets already given don't move.
        try RenderTestSupport.render(["nextcloud"], out: out)
        let second = try #require(try RenderManifest.read(in: out)?.subnets)
        #expect(second == ["gitea": "10.231.0.0/24", "umami": "10.231.1.0/24", "nextcloud": "10.231.2.0/24"])
        let env = RenderEnvFile.values(in: try read(out, "nextcloud/.env"))
        #expect(env["TRUSTED_PROXIES"] == "10.231.2.0/24")
        #expect(try read(out, "systemd/selfhost-nextcloud.service").contains("network create --subnet 10.231.2.0/24 selfhost_nextcloud_web'"))
        let caddyUnit = try read(out, "systemd/selfhost-caddy.service")
        for (id, subnet) in second {
            #expect(caddyUnit.contains("network create --subnet \(subnet) selfhost_\(id)_web'"), "\(id)")
        }
        let readme = try read(out, "README.md")
        #expect(readme.contains("`selfhost_nextcloud_web` 10.231.2.0/24"))
        #expect(readme.contains("Nextcloud") && !readme.contains("set `TRUSTED_PROXIES`"), "filled in, not left for people to set")
        let failures = try RenderTestSupport.validateBox(out)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test("subnets: lowest free number, manifest values checked, prefix checked")
    func subnetAssignment() throws {
        let s = try RenderSubnets.assign(ids: ["a", "b", "c"], previous: ["b": "10.231.0.0/24"], prefix: "10.231")
        #expect(s == ["a": "10.231.1.0/24", "b": "10.231.0.0/24", "c": "10.231.2.0/24"])
        #expect(RenderSubnets.isCIDR("192.168.5.0/24") && !RenderSubnets.isCIDR("10.0.0.0/24 ; reboot") && !RenderSubnets.isCIDR("10.0.0/24")
                && !RenderSubnets.isCIDR("10.0.0.256/24") && !RenderSubnets.isCIDR("10.0.0.0/33"))
        var error: SelfhostError?
        do { _ = try RenderSubnets.assign(ids: ["a"], previous: ["a": "10.0.0.0/24' ; reboot '"], prefix: "10.231") } catch let e as SelfhostError { error = e }
        #expect(error?.status == .usage && error?.message.contains("not an IPv4 subnet") == true)
        error = nil
        do { _ = try RenderSubnets.assign(ids: ["a"], previous: [:], prefix: "10.300") } catch let e as SelfhostError { error = e }
        #expect(error?.message.contains("web_subnet_prefix") == true)
        let many = (0...256).map { "app\($0)" }
        error = nil
        do { _ = try RenderSubnets.assign(ids: many, previous: [:], prefix: "10.231") } catch let e as SelfhostError { error = e }
        #expect(error?.message.contains("no free /24 subnet") == true)
    }

    @Test("PeerTube moved off 1935 by Owncast: the README gives streamers the real port; PeerTube trusts its web network")
    func peertubeRTMP() throws {
        let out = try temp("rtmp")
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try RenderTestSupport.render(["owncast", "peertube"], out: out)
        #expect(try read(out, "peertube/compose.yaml").contains("\"1936:1935/tcp\""))
        let readme = try read(out, "README.md")
        #expect(readme.contains("rtmp://peertube.example.com:1936/live"), "\(readme)")
        #expect(!readme.contains("rtmp://owncast.example.com:"), "Owncast kept 1935: no note")
        let subnet = try #require(try RenderManifest.read(in: out)?.subnets?["peertube"])
        let env = RenderEnvFile.values(in: try read(out, "peertube/.env"))
        #expect(env["PEERTUBE_TRUST_PROXY"] == "[\"loopback\", \"\(subnet)\"]")
        let failures = try RenderTestSupport.validateBox(out)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")

        // Alone, PeerTube has 1935 and no note.
        let alone = try temp("rtmp-alone")
        defer { try? FileManager.default.removeItem(at: alone.deletingLastPathComponent()) }
        try RenderTestSupport.render(["peertube"], out: alone)
        #expect(!(try read(alone, "README.md").contains(":1935/live")))
    }
}
