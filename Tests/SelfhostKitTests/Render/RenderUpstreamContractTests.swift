import Foundation
import Testing
@testable import SelfhostKit

/// What the audit against upstream's current compose files and entrypoints changed in the rendered
/// boxes (issue 9): the values the real images need, read back from a real render.
@Suite("Render: upstream contracts (Plausible, NodeBB, Mautic)")
struct RenderUpstreamContractTests {
    static func renderBox(_ apps: [String]) throws -> (URL, [String: String]) {
        let out = try TestSupport.tempDirectory("render-upstream").appendingPathComponent("box")
        try RenderTestSupport.render(apps, out: out)
        return (out, RenderTestSupport.snapshot(out))
    }

    @Test("Plausible's ClickHouse gets upstream's settings files and CLICKHOUSE_SKIP_USER_SETUP, as files beside compose.yaml")
    func plausibleClickHouse() throws {
        let (out, files) = try Self.renderBox(["plausible"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let compose = try #require(files["plausible/compose.yaml"])
        #expect(compose.contains(#"CLICKHOUSE_SKIP_USER_SETUP: "1""#))
        let mounts = [
            "logs.xml": "config.d/logs.xml", "ipv4-only.xml": "config.d/ipv4-only.xml",
            "low-resources.xml": "config.d/low-resources.xml", "backups.xml": "config.d/backups.xml",
            "default-profile-low-resources-overrides.xml": "users.d/default-profile-low-resources-overrides.xml",
        ]
        for (file, target) in mounts {
            // Rendered beside compose.yaml, and mounted read-only where upstream mounts it.
            let xml = try #require(files["plausible/clickhouse/\(file)"], "plausible/clickhouse/\(file) is rendered")
            #expect(xml.contains("<clickhouse>"))
            #expect(compose.contains("- ./clickhouse/\(file):/etc/clickhouse-server/\(target):ro"), "\(file) mounted at \(target)")
            let attrs = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("plausible/clickhouse/\(file)").path)
            #expect((attrs[.posixPermissions] as? Int) == 0o644)
        }
        #expect(files["plausible/clickhouse/ipv4-only.xml"]?.contains("<listen_host>0.0.0.0</listen_host>") == true)
        #expect(files["plausible/clickhouse/default-profile-low-resources-overrides.xml"]?.contains("<max_threads>1</max_threads>") == true)
        // The manifest records them, so a later render sees hand edits like any rendered file.
        let manifest = try #require(files[".selfhost/manifest.json"])
        #expect(manifest.contains("plausible/clickhouse/logs.xml"))
    }

    @Test("Plausible's backup uses ClickHouse's BACKUP, not a tar of the live event volume, and the README restores it")
    func plausibleBackup() throws {
        let (out, files) = try Self.renderBox(["plausible"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let backup = try #require(files["plausible/backup.sh"])
        #expect(backup.contains("BACKUP DATABASE %s TO File"))
        #expect(backup.contains(#"sh plausible_events_db "$STAMP-$$" > "$PARTIAL/clickhouse-plausible_events_db.zip""#))
        #expect(!backup.contains("_event-data:/volume"), "the live ClickHouse volume is not archived")
        #expect(backup.contains("_plausible-data:/volume"))
        let readme = try #require(files["README.md"])
        #expect(readme.contains("RESTORE DATABASE %s FROM File"))
        #expect(readme.contains(#"sh plausible_events_db < "$B/clickhouse-plausible_events_db.zip""#))
        #expect(!readme.contains("its volume is archived while running"))
        // The scripts stay valid shell.
        if let bash = RenderTestSupport.tool("bash", package: "bash") {
            let r = try RenderTestSupport.run(bash, ["-n", out.appendingPathComponent("plausible/backup.sh").path])
            #expect(r.status == 0, "\(r.output)")
        }
    }

    @Test("Plausible's backup.sh and README restore block run (bash, a recording docker): the zip lands in the backup; ClickHouse is up before RESTORE")
    func plausibleBackupAndRestoreRun() throws {
        let (out, files) = try Self.renderBox(["plausible"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let sandbox = try RenderRestoreAndReloadTests.Sandbox("plausible-upstream")
        defer { try? FileManager.default.removeItem(at: sandbox.dir) }

        // backup.sh (rendered with /usr/bin/true as docker): every step runs and the ClickHouse zip is one of the files kept.
        let backups = sandbox.dir.appendingPathComponent("backups")
        let run = try sandbox.bash("exec \(out.appendingPathComponent("plausible/backup.sh").path)",
                                   env: ["BACKUP_DIR": backups.path])
        #expect(run.status == 0, "\(run.output)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: backups.path).filter { !$0.hasPrefix(".") }
        #expect(kept.count == 1)
        let taken = try FileManager.default.contentsOfDirectory(atPath: backups.appendingPathComponent(kept.first ?? "-").path)
        #expect(Set(taken).isSuperset(of: ["clickhouse-plausible_events_db.zip", "db-plausible_db.pgdump", "volume-plausible-data.tar.gz", ".env"]))
        #expect(!taken.contains("volume-event-data.tar.gz"))

        // The README's restore block, against a backup holding every file it names.
        let b = sandbox.dir.appendingPathComponent("B")
        try FileManager.default.createDirectory(at: b, withIntermediateDirectories: true)
        for f in [".env", "db-plausible_db.pgdump", "clickhouse-plausible_events_db.zip", "volume-plausible-data.tar.gz"] {
            try "x\n".write(to: b.appendingPathComponent(f), atomically: true, encoding: .utf8)
        }
        let readme = try #require(files["README.md"])
        let block = try RenderRestoreAndReloadTests.restoreBlock(readme, app: "Plausible Community Edition")
        let before = sandbox.calls().count
        let r = try sandbox.bash("B=\(b.path)\n" + block)
        #expect(r.status == 0, "\(r.output)")
        let calls = Array(sandbox.calls().dropFirst(before))
        let up = try #require(calls.firstIndex(of: "compose up -d --wait clickhouse"), "\(calls)")
        let restore = try #require(calls.firstIndex { $0.hasPrefix("compose exec -T clickhouse sh -c") && $0.contains("RESTORE DATABASE") })
        let create = try #require(calls.firstIndex(of: "compose create"))
        #expect(create < up && up < restore)
        #expect(calls.last == "compose up -d --wait")
    }

    @Test("NodeBB installs from its NODEBB_* values (NODEBB_INIT_VERB=setup), never through the web installer or SETUP")
    func nodebbSetup() throws {
        let (out, files) = try Self.renderBox(["nodebb"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        let compose = try #require(files["nodebb/compose.yaml"])
        #expect(compose.contains(#"NODEBB_INIT_VERB: "${NODEBB_INIT_VERB}""#))
        #expect(!compose.contains("SETUP:"))
        let env = RenderEnvFile.values(in: try #require(files["nodebb/.env"]))
        #expect(env["NODEBB_INIT_VERB"] == "setup")
        #expect((env["NODEBB_ADMIN_PASSWORD"] ?? "").count == 32)
    }

    @Test("Mautic sets no DOCKER_MAUTIC_RUN_MIGRATIONS (removed upstream in July 2025)")
    func mauticNoRunMigrations() throws {
        let (out, files) = try Self.renderBox(["mautic"])
        defer { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        #expect(!(files["mautic/compose.yaml"] ?? "").contains("DOCKER_MAUTIC_RUN_MIGRATIONS"))
        #expect(!(files["mautic/.env"] ?? "").contains("DOCKER_MAUTIC_RUN_MIGRATIONS"))
    }
}
