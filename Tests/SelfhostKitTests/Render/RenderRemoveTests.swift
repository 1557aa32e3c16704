import Foundation
import Testing
@testable import SelfhostKit

/// `selfhost render --remove APP [--purge]`: the app leaves the Caddyfile, the units and the
/// manifest; its directory and volumes stay unless --purge, which needs a backup from the last day.
@Suite("Render: --remove")
struct RenderRemoveTests {
    struct Box {
        var dir: URL
        var out: URL { dir.appendingPathComponent("box") }
        var backups: URL { dir.appendingPathComponent("backups") }

        init(_ name: String) throws {
            dir = try TestSupport.tempDirectory("render-remove-\(name)")
            _ = try render(["umami", "gitea"], domain: "example.com")
        }

        @discardableResult
        func render(_ apps: [String], domain: String? = nil, remove: [String] = [], purge: Bool = false, force: Bool = false,
                    now: Date = Date(), format: OutputFormat = .text) throws -> (SelfhostKit.ExitStatus, String) {
            var (ctx, stdout, _) = TestSupport.context(cwd: dir, env: ["PATH": "/usr/bin:/bin"])
            ctx.now = { now }
            let status = try RenderCommand.run(.init(apps: apps, domain: domain, out: out.path, docker: RenderTestSupport.docker,
                                                     backupDir: backups.path, force: force, remove: remove, purge: purge, format: format),
                                               store: try RenderTestSupport.fixtureStore(), context: ctx)
            return (status, stdout.text)
        }

        func refused(_ body: () throws -> Void) -> SelfhostError? {
            do { try body() } catch let e as SelfhostError { return e } catch { return nil }
            return nil
        }

        func backup(_ stamp: String) throws {
            try FileManager.default.createDirectory(at: backups.appendingPathComponent("gitea/\(stamp)"), withIntermediateDirectories: true)
        }
    }

    static func stamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return f.string(from: date)
    }

    @Test("the app leaves Caddy, the units and the manifest; its directory stays; the stop commands are printed; rendering it back keeps its secrets")
    func remove() throws {
        let box = try Box("keep")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let env = try String(contentsOf: box.out.appendingPathComponent("gitea/.env"), encoding: .utf8)
        let (status, text) = try box.render([], remove: ["gitea"])
        #expect(status == .success, "\(text)")
        let files = RenderTestSupport.snapshot(box.out)
        #expect(files["caddy/Caddyfile"]?.contains("gitea") == false)
        #expect(files["caddy/compose.yaml"]?.contains("selfhost_gitea_web") == false)
        #expect(files["systemd/selfhost-caddy.service"]?.contains("selfhost-gitea") == false)
        for unit in RenderRemoval.unitPaths("gitea") { #expect(files[unit] == nil, "\(unit) still in the box") }
        #expect(files["gitea/.env"] == env && files["gitea/compose.yaml"] != nil, "the app's directory (compose file, secrets) stays")
        #expect(files["README.md"]?.contains("gitea") == false)
        let manifest = try #require(try RenderManifest.read(in: box.out))
        #expect(Set(manifest.apps.keys) == ["umami"])
        for line in ["sudo systemctl disable --now selfhost-gitea.service selfhost-gitea-backup.timer",
                     "cd \(box.out.path)/gitea && sudo /usr/bin/true compose down\n",
                     "sudo rm -f /etc/systemd/system/selfhost-gitea.service /etc/systemd/system/selfhost-gitea-backup.service /etc/systemd/system/selfhost-gitea-backup.timer",
                     "sudo systemctl reload selfhost-caddy.service"] {
            #expect(text.contains(line), "missing `\(line)` in:\n\(text)")
        }
        #expect(!text.contains("down -v") && !text.contains("rm -rf"))
        let failures = try RenderTestSupport.validateBox(box.out)
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")

        // Back again: same secrets, its files known (nothing skipped).
        let (again, out2) = try box.render(["gitea"])
        #expect(again == .success, "\(out2)")
        #expect(try String(contentsOf: box.out.appendingPathComponent("gitea/.env"), encoding: .utf8) == env)
        #expect(try String(contentsOf: box.out.appendingPathComponent("caddy/Caddyfile"), encoding: .utf8).contains("gitea.example.com {"))
    }

    @Test("--purge needs a backup newer than a day (or --force); refused: exit 2, nothing written")
    func purge() throws {
        let box = try Box("purge")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let before = RenderTestSupport.snapshot(box.out)
        let now = Date()
        let none = box.refused { try box.render([], remove: ["gitea"], purge: true, now: now) }
        #expect(none?.status == .usage && none?.message.contains("there is no backup of it in \(box.backups.path)/gitea") == true, "\(String(describing: none))")
        try box.backup(Self.stamp(now.addingTimeInterval(-25 * 3600)))
        let old = box.refused { try box.render([], remove: ["gitea"], purge: true, now: now) }
        #expect(old?.status == .usage && old?.message.contains("is more than a day old") == true, "\(String(describing: old))")
        #expect(old?.remedy?.contains("\(box.out.path)/gitea/backup.sh") == true)
        let unchanged = RenderTestSupport.snapshot(box.out) == before
        #expect(unchanged, "a refused purge writes nothing")

        let fresh = Self.stamp(now.addingTimeInterval(-3600))
        try box.backup(fresh)
        let (status, json) = try box.render([], remove: ["gitea"], purge: true, now: now, format: .json)
        #expect(status == .success)
        let report = try TestSupport.json(json)
        let removed = try #require((report["removed"] as? [[String: Any]])?.first)
        #expect(removed["id"] as? String == "gitea" && removed["purge"] as? Bool == true)
        #expect(removed["newest_backup"] as? String == "\(box.backups.path)/gitea/\(fresh)")
        let commands = try #require(removed["commands"] as? [String])
        #expect(commands.contains("cd \(box.out.path)/gitea && sudo /usr/bin/true compose down -v"))
        #expect(commands.last == "sudo rm -rf \(box.out.path)/gitea")
        #expect(commands.contains("sudo /usr/bin/true network rm selfhost_gitea_web"))
        // Purged: the manifest forgets the app's files too.
        #expect(try RenderManifest.read(in: box.out)?.files.keys.contains { $0.hasPrefix("gitea/") } == false)
    }

    @Test("--purge --force without a backup goes ahead")
    func purgeForced() throws {
        let box = try Box("purge-force")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let (status, text) = try box.render([], remove: ["gitea"], purge: true, force: true)
        #expect(status == .success && text.contains("compose down -v"), "\(text)")
    }

    @Test("bad --remove: an app not in the box, the last app, --purge alone, an app both added and removed")
    func badInput() throws {
        let box = try Box("bad")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let before = RenderTestSupport.snapshot(box.out)
        let unknown = box.refused { try box.render([], remove: ["listmonk"]) }
        #expect(unknown?.status == .usage && unknown?.message.contains("has no app 'listmonk' (it has gitea, umami)") == true, "\(String(describing: unknown))")
        let all = box.refused { try box.render([], remove: ["gitea", "umami"]) }
        #expect(all?.status == .usage && all?.message.contains("without apps") == true)
        let purgeAlone = box.refused { try box.render(["umami"], purge: true) }
        #expect(purgeAlone?.status == .usage && purgeAlone?.message.contains("--purge goes with --remove") == true)
        let both = box.refused { try box.render(["gitea"], remove: ["gitea"]) }
        #expect(both?.status == .usage && both?.message.contains("both rendered and removed") == true)
        let unchanged = RenderTestSupport.snapshot(box.out) == before
        #expect(unchanged)
    }

    @Test("a unit edited by hand is not deleted without --force (exit 1)")
    func editedUnit() throws {
        let box = try Box("edited")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let unit = box.out.appendingPathComponent("systemd/selfhost-gitea.service")
        try (try String(contentsOf: unit, encoding: .utf8) + "# mine\n").write(to: unit, atomically: true, encoding: .utf8)
        let (status, text) = try box.render([], remove: ["gitea"])
        #expect(status == .problems && text.contains("edited by hand"), "\(text)")
        #expect(FileManager.default.fileExists(atPath: unit.path))
        #expect(!FileManager.default.fileExists(atPath: box.out.appendingPathComponent("systemd/selfhost-gitea-backup.timer").path))
    }

    @Test("an app removed earlier with its data kept: --remove without --purge is refused with the way out; --purge later prints only the data commands and forgets it")
    func purgeLater() throws {
        let box = try Box("later")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        _ = try box.render([], remove: ["gitea"])
        #expect(try RenderManifest.read(in: box.out)?.images?["gitea"] != nil, "a removed app's images stay with its data")
        let again = box.refused { try box.render([], remove: ["gitea"]) }
        #expect(again?.message.contains("removed earlier with its data kept") == true && again?.remedy?.contains("--purge") == true, "\(String(describing: again))")
        try box.backup(Self.stamp(Date()))
        let (status, json) = try box.render([], remove: ["gitea"], purge: true, format: .json)
        #expect(status == .success, "\(json)")
        let removed = try #require((try TestSupport.json(json)["removed"] as? [[String: Any]])?.first)
        let commands = try #require(removed["commands"] as? [String])
        #expect(commands.contains { $0.contains("compose down -v") } && commands.contains { $0.contains("rm -rf") })
        #expect(!commands.contains { $0.contains("systemctl") }, "its units went with the first removal: \(commands)")
        let m = try #require(try RenderManifest.read(in: box.out))
        #expect(m.images?["gitea"] == nil && !m.files.keys.contains { $0.hasPrefix("gitea/") })
        let gone = box.refused { try box.render([], remove: ["gitea"], purge: true) }
        #expect(gone?.message.contains("has no app 'gitea'") == true)
    }

    /// The server commands word for word: for an app in the box, and for one that left it earlier
    /// (its web network may be gone from Caddy already, so the disconnect may fail).
    @Test func purgeCommandsWordForWord() {
        let purge = ["cd /srv/box/caddy && sudo docker network disconnect selfhost_gitea_web \"$(sudo docker compose ps -q caddy)\"",
                     "sudo docker network rm selfhost_gitea_web", "sudo rm -rf /srv/box/gitea"]
        #expect(RenderRemoval.commands("gitea", installDir: "/srv/box", docker: "docker", purge: true, copyFirst: true) == [
            "rsync -a ./ root@SERVER:/srv/box/",
            "sudo rm -f /srv/box/systemd/selfhost-gitea.service /srv/box/systemd/selfhost-gitea-backup.service /srv/box/systemd/selfhost-gitea-backup.timer",
            "sudo systemctl disable --now selfhost-gitea.service selfhost-gitea-backup.timer",
            "cd /srv/box/gitea && sudo docker compose down -v",
            "sudo rm -f /etc/systemd/system/selfhost-gitea.service /etc/systemd/system/selfhost-gitea-backup.service /etc/systemd/system/selfhost-gitea-backup.timer",
            "sudo systemctl daemon-reload",
            "sudo systemctl reload selfhost-caddy.service",
        ] + purge)
        #expect(RenderRemoval.commands("gitea", installDir: "/srv/box", docker: "docker", purge: true, copyFirst: true, stillInBox: false) == [
            "rsync -a ./ root@SERVER:/srv/box/", "cd /srv/box/gitea && sudo docker compose down -v",
            purge[0] + " 2>/dev/null || true", purge[1], purge[2],
        ])
        #expect(RenderRemoval.commands("gitea", installDir: "/srv/box", docker: "docker", purge: false, copyFirst: false, stillInBox: false)
                == ["cd /srv/box/gitea && sudo docker compose down"])
    }
}
