import Foundation
import Testing
@testable import SelfhostKit

/// `selfhost verify`: preflight (knotd on loopback serving the box's zone, the mail provider's
/// records included), `status --check` and the last restore drills, in one report and one exit code.
@Suite("Verify: preflight, status and restore drills in one report")
struct VerifyCommandTests {
    /// A box for relay.test with gitea (mail through Brevo) and umami, its backups under a temp dir.
    func box() throws -> (URL, URL) {
        let root = try TestSupport.tempDirectory("verify")
        let out = root.appendingPathComponent("box"), backups = root.appendingPathComponent("backups")
        var (ctx, _, _) = TestSupport.context(cwd: root, env: ["SELFHOST_SMTP_USERNAME": "u", "SELFHOST_SMTP_PASSWORD": "p"])
        ctx.promptSecret = { _ in nil }
        var o = RenderCommand.Options(apps: ["gitea", "umami"], domain: "relay.test", out: out.path, docker: RenderTestSupport.docker,
                                      backupDir: backups.path)
        o.smtp = "brevo"
        #expect(try RenderCommand.run(o, store: .embedded, context: ctx) == .success)
        return (out, backups)
    }

    func drill(_ backups: URL, _ app: String, ok: Bool, daysAgo: Double, problems: [String] = []) throws {
        let dir = backups.appendingPathComponent(app)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try BackupVerifyRecord(backup: "20261201T020000Z", verifiedAt: Date().addingTimeInterval(-daysAgo * 86_400), ok: ok, problems: problems)
            .write(in: dir.path)
    }

    /// The engine of a server where Docker is down: status can't sample, and says so as a failed check.
    func machine() throws -> VerifyCommand.Machine {
        let server = try FakeServer()
        server.engineUp = false
        return VerifyCommand.Machine(status: .init(engine: DockerEngine(socket: "/nonexistent.sock", http: FakeEngineHTTP(server: server))),
                                     ports: AlwaysOpenPorts())
    }

    struct AlwaysOpenPorts: PortProber {
        func probe(_ ip: IPAddress, port: Int, timeout: Duration) async -> PortProbeResult { .open }
    }

    func run(_ out: URL, resolver: String, format: OutputFormat = .json, interval: Double = 0.1) async throws -> (SelfhostKit.ExitStatus, String) {
        let (ctx, stdout, _) = TestSupport.context(cwd: out.deletingLastPathComponent())
        let options = VerifyCommand.Options(box: out.path, serverIPs: ["127.0.0.10"], resolver: resolver, dnsTimeout: 2, interval: interval, format: format)
        let status = try await VerifyCommand.run(options, catalog: TestSupport.catalog, providers: try EmailProviders.load(.embedded),
                                                 context: ctx, machine: try machine())
        return (status, stdout.text)
    }

    func sections(_ json: String) throws -> [String: [String: Any]] {
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let list = try #require(doc["sections"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0) })
    }

    @Test("the mail provider's DNS records, the restore drills and the engine each get their verdict; exit 1 when one fails")
    func oneReport() async throws {
        guard KnotServer.available() else { return }
        let (out, backups) = try box()
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try drill(backups, "gitea", ok: true, daysAgo: 1)
        try drill(backups, "umami", ok: false, daysAgo: 1, problems: ["db/umami: table public.website is missing from the restore (the backup recorded 3 rows)"])
        try await KnotServer.with { knot in
            let (status, json) = try await run(out, resolver: "127.0.0.1:\(knot.port)")
            #expect(status == .problems)
            let s = try sections(json)
            let preflight = try #require(s["preflight"]), restore = try #require(s["restore"]), engine = try #require(s["status"])
            // Brevo's two DKIM CNAMEs and its SPF include, from the box's --smtp: all found in the zone.
            let items = try #require(preflight["items"] as? [[String: Any]])
            let esp = items.filter { ($0["subject"] as? String ?? "").hasPrefix("esp.") }
            #expect(!esp.isEmpty && esp.allSatisfy { $0["ok"] as? Bool == true }, "\(esp)")
            #expect(preflight["ok"] as? Bool == true, "\(items.filter { $0["ok"] as? Bool == false })")
            #expect(restore["passed"] as? Int == 1 && restore["failed"] as? Int == 1)
            let failed = try #require((restore["items"] as? [[String: Any]])?.first { $0["ok"] as? Bool == false })
            #expect(failed["subject"] as? String == "umami" && (failed["message"] as? String)?.contains("public.website is missing") == true)
            #expect(engine["ok"] as? Bool == false)
        }
    }

    /// A finished backup of `app` (what BackupState counts: `<dir>/<YYYYMMDDTHHMMSSZ>`).
    func backup(_ backups: URL, _ app: String, stamp: String = "20261201T020000Z") throws {
        try FileManager.default.createDirectory(at: backups.appendingPathComponent(app).appendingPathComponent(stamp), withIntermediateDirectories: true)
    }

    @Test("a stale drill, and a backup never drilled, fail with the command to run; a zone without the provider's records fails preflight")
    func staleAndMissing() async throws {
        guard KnotServer.available() else { return }
        let (out, backups) = try box()
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try drill(backups, "gitea", ok: true, daysAgo: 30)
        try backup(backups, "umami")
        try await KnotServer.with { knot in
            let (status, text) = try await run(out, resolver: "127.0.0.1:\(knot.port)", format: .text)
            #expect(status == .problems)
            #expect(text.contains("✗ gitea: the last restore drill passed, but") && text.contains("more than 8 d ago"))
            #expect(text.contains("✗ umami: no restore drill yet, though a backup exists (the newest 2026-12-01T02:00:00Z)"))
            #expect(text.contains("fix: sudo selfhost backup verify umami --box \(out.path)"))
            #expect(text.contains("Not all green"))
        }
        // The same box moved to a domain that lacks Brevo's records: the DKIM checks fail.
        let manifestURL = out.appendingPathComponent(RenderManifest.relativePath)
        var manifest = try #require(try RenderManifest.read(in: out))
        manifest.domain = "good.test"
        manifest.apps = manifest.apps.mapValues { var a = $0; a.host = a.host.replacingOccurrences(of: "relay.test", with: "good.test"); return a }
        try manifest.encoded().write(to: manifestURL, atomically: true, encoding: .utf8)
        try await KnotServer.with { knot in
            let (_, json) = try await run(out, resolver: "127.0.0.1:\(knot.port)")
            let items = try #require(try sections(json)["preflight"]?["items"] as? [[String: Any]])
            #expect(items.contains { ($0["subject"] as? String ?? "").hasPrefix("esp.") && $0["ok"] as? Bool == false })
        }
    }

    @Test("a fresh box's drills are not yet due (no backup to restore): passed, marked pending; a failed drill still fails")
    func freshBox() async throws {
        guard KnotServer.available() else { return }
        let (out, backups) = try box()
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        try await KnotServer.with { knot in
            let (_, json) = try await run(out, resolver: "127.0.0.1:\(knot.port)")
            let restore = try #require(try sections(json)["restore"])
            #expect(restore["ok"] as? Bool == true && restore["passed"] as? Int == 2 && restore["failed"] as? Int == 0 && restore["pending"] as? Int == 2)
            let items = try #require(restore["items"] as? [[String: Any]])
            #expect(items.allSatisfy { $0["pending"] as? Bool == true && ($0["message"] as? String ?? "").hasPrefix("not yet due: no backup to restore yet") }, "\(items)")
            let (_, text) = try await run(out, resolver: "127.0.0.1:\(knot.port)", format: .text)
            #expect(text.contains("Restore drills (backup verify): ok (2 passed, 2 not yet due)"))
            #expect(text.contains("· umami: not yet due: no backup to restore yet (selfhost-umami-backup.timer takes the first"))
        }
        // Not yet due covers only "nothing to restore": a failed drill fails even with no backup left.
        try drill(backups, "umami", ok: false, daysAgo: 0, problems: ["umami.sql.dump: 10 bytes, the backup recorded 20"])
        try await KnotServer.with { knot in
            let (status, json) = try await run(out, resolver: "127.0.0.1:\(knot.port)")
            #expect(status == .problems)
            let restore = try #require(try sections(json)["restore"])
            #expect(restore["failed"] as? Int == 1 && restore["pending"] as? Int == 1)
        }
    }

    @Test("the text's last line: green with drills not yet due says so; proven drills are plain green")
    func greenLine() {
        func report(pending: Bool) -> VerifyCommand.Report {
            let item = VerifyCommand.Item(section: "restore", subject: "umami", ok: true, pending: pending, message: "m", remedy: .init(nil))
            let restore = VerifyCommand.Section(name: "restore", ok: true, passed: 1, failed: 0, pending: pending ? 1 : 0, items: [item])
            return VerifyCommand.Report(box: "/srv/box", domain: .init("e2e.test"), ok: true, sections: [restore])
        }
        let fresh = VerifyCommand.text(report(pending: true), style: Style(enabled: false))
        #expect(fresh.hasSuffix("All green; 1 restore drill not yet due (no backup yet: run `selfhost backup verify` once the first backups exist).\n"), "\(fresh)")
        #expect(fresh.contains("· umami: m") && fresh.contains("ok (1 passed, 1 not yet due)"))
        let proven = VerifyCommand.text(report(pending: false), style: Style(enabled: false))
        #expect(proven.hasSuffix("\nAll green.\n") && proven.contains("✓ umami: m"), "\(proven)")
    }

    @Test("bad input and an unusable resolver are exit 2")
    func usage() async throws {
        let (out, _) = try box()
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        do {
            _ = try await run(out, resolver: "127.0.0.1:9", interval: 0)
            Issue.record("an interval of 0 must be refused")
        } catch let e as SelfhostError {
            #expect(e.status == .usage && e.message.contains("--interval"))
        }
        // Nothing answers on this port: preflight's checks collapse to one resolver error, exit 2.
        let (status, _) = try await run(out, resolver: "127.0.0.1:9")
        #expect(status == .usage)
    }
}
