import Foundation
import Testing
@testable import SelfhostKit

@Suite("backup verify")
struct BackupVerifyTests {
    static let config = #"""
    {"name": "selfhost-umami", "services": {
      "db": {"image": "postgres:15-alpine", "container_name": "live-db", "environment": {"POSTGRES_USER": "umami", "POSTGRES_PASSWORD": "s3cret", "POSTGRES_DB": "umami"},
             "healthcheck": {"test": ["CMD-SHELL", "pg_isready -U umami"], "interval": "5s"},
             "networks": {"backend": null}, "ports": [{"target": 5432, "published": "5432"}],
             "volumes": [{"type": "volume", "source": "db-data", "target": "/var/lib/postgresql/data"},
                         {"type": "bind", "source": "/etc/passwd", "target": "/x"}]},
      "app": {"image": "umami"}}}
    """#

    @Test func theScratchProjectHasTheDatabaseAloneOnItsOwnVolumeAndNetwork() throws {
        let text = try ScratchRestore.scratchCompose(Data(Self.config.utf8), service: "db").get()
        let json = try TestSupport.json(text)
        let services = try #require(json["services"] as? [String: Any])
        #expect(Array(services.keys) == ["db"])
        let db = try #require(services["db"] as? [String: Any])
        #expect(db["image"] as? String == "postgres:15-alpine")
        #expect((db["environment"] as? [String: String])?["POSTGRES_PASSWORD"] == "s3cret")
        #expect(db["healthcheck"] != nil && db["ports"] == nil && db["container_name"] == nil)
        #expect(db["networks"] as? [String] == ["scratch"])
        #expect((db["volumes"] as? [[String: String]]) == [["type": "volume", "source": "data0", "target": "/var/lib/postgresql/data"]])
        #expect((json["networks"] as? [String: [String: Bool]]) == ["scratch": ["internal": true]])
        #expect(ScratchRestore.scratchCompose(Data(Self.config.utf8), service: "nope") == .failure(.step("the backup's compose.yaml has no service nope")))
    }

    /// Compose reads the scratch file as YAML: a JSON-only escape such as `\/` (what Foundation on
    /// Linux writes for `/`) made go-yaml refuse it ("found unknown escape character").
    @Test func theScratchFileIsYAMLComposeReads() throws {
        let text = try ScratchRestore.scratchCompose(Data(Self.config.utf8), service: "db").get()
        #expect(!text.contains("\\/"), "\(text)")
        #expect(text.contains("\"target\" : \"/var/lib/postgresql/data\"") || text.contains("\"target\":\"/var/lib/postgresql/data\""), "\(text)")
        // Compose v2 itself (the plugin binary runs standalone), when this machine has it.
        let compose = ["/usr/local/lib/docker/cli-plugins/docker-compose", "/usr/libexec/docker/cli-plugins/docker-compose"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let compose else { return }
        let dir = try TestSupport.tempDirectory("scratch-compose")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("compose.json")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let r = ProcessRunner.run(ProcessRequest(compose, ["-p", "scratch", "-f", file.path, "config", "-q"], workingDirectory: dir, timeout: 60, output: .merged))
        #expect(r.status == 0, "\(r.stdoutText)")
    }

    @Test func countsAreReadFromPsqlLines() {
        #expect(ScratchRestore.parseCounts("public.a|3\npublic.b|0\nnoise\nx.y|z|12\n") == ["public.a": 3, "public.b": 0, "x.y|z": 12])
    }

    /// A backup directory with one dump and one archive and the manifest backup.sh would write.
    func backup(tables: [String: Int]? = ["public.website": 2, "public.session": 5]) throws -> (String, String) {
        let root = try TestSupport.tempDirectory("selfhost-verify").appendingPathComponent("umami")
        let dir = root.appendingPathComponent("20261202T031500Z")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let dump = Data("PGDMP fake dump".utf8)
        try dump.write(to: dir.appendingPathComponent("db-umami.dump"))
        try Data(Self.config.utf8).write(to: dir.appendingPathComponent("compose.yaml"))
        try Data("POSTGRES_PASSWORD=s3cret\n".utf8).write(to: dir.appendingPathComponent(".env"))
        let tar = ProcessRunner.run(ProcessRequest("tar", ["-czf", dir.appendingPathComponent("volume-data.tar.gz").path, "-C", dir.path, ".env"]))
        #expect(tar.succeeded)
        var files: [BackupManifest.File] = []
        for name in ["db-umami.dump", "compose.yaml", ".env", "volume-data.tar.gz"] {
            let data = try Data(contentsOf: dir.appendingPathComponent(name))
            files.append(.init(name: name, bytes: Int64(data.count), sha256: RenderHash.sha256([UInt8](data))))
        }
        let manifest = BackupManifest(version: 1, app: "umami", createdAt: "20261202T031500Z", files: files,
                                      databases: [.init(service: "db", database: "umami", kind: "postgres", file: "db-umami.dump", tables: tables)])
        try JSONEncoder().encode(manifest).write(to: dir.appendingPathComponent("manifest.json"))
        return (root.path, dir.path)
    }

    /// docker answered by a fake (config, up, restore, count, down); sha256sum and tar run for real.
    func machine(counts: String, restoreFails: Bool = false, log: CommandLog = CommandLog()) -> BackupVerifyCommand.Machine {
        BackupVerifyCommand.Machine { request in
            let argv = [request.executable] + request.arguments
            log.add(argv)
            func ok(_ out: String = "") -> ProcessResult {
                ProcessResult(status: 0, stdout: Data(out.utf8), stderr: Data(), timedOut: false, truncated: false, launchFailure: nil)
            }
            if request.executable == "sha256sum" || request.executable == "tar" { return ProcessRunner.run(request) }
            if argv.contains("config") { return ok(Self.config) }
            if request.executable == "/bin/sh" {
                return restoreFails ? ProcessResult(status: 1, stdout: Data("pg_restore: error: could not read input file: end of file\n".utf8),
                                                    stderr: Data(), timedOut: false, truncated: false, launchFailure: nil) : ok()
            }
            if argv.contains("exec") { return ok(counts) }
            return ok()
        }
    }

    @Test func aGoodBackupPassesAndTheScratchProjectIsRemoved() throws {
        let (root, _) = try backup()
        let log = CommandLog()
        let r = BackupVerifyCommand.verify(app: "umami", directory: root, docker: "docker", timeout: 60,
                                           machine: machine(counts: "public.session|5\npublic.website|2\n", log: log))
        #expect(r.ok, "\(r.problems)")
        #expect(r.files.count == 4 && r.files.allSatisfy(\.ok))
        #expect(r.databases.first?.restored == true && r.databases.first?.tables.count == 2)
        let docker = log.all.filter { $0.first == "docker" }.map { $0.dropFirst().prefix(3).joined(separator: " ") }
        #expect(docker.first == "compose --project-directory \(root)/20261202T031500Z")
        #expect(log.all.last?.contains("down") == true && log.all.last?.contains("--volumes") == true)
        #expect(log.all.contains { $0.contains("selfhost-verify-umami") })
    }

    @Test func aMissingTableAndOtherCountsAreReported() throws {
        let (root, _) = try backup()
        let r = BackupVerifyCommand.verify(app: "umami", directory: root, docker: "docker", timeout: 60,
                                           machine: machine(counts: "public.session|4\n"))
        #expect(!r.ok)
        #expect(r.problems == ["db/umami: table public.session: 4 rows restored, the backup recorded 5",
                               "db/umami: table public.website is missing from the restore (the backup recorded 2 rows)"])
    }

    @Test func aChangedOrTruncatedFileIsCaughtByItsChecksumAndSize() throws {
        let (root, dir) = try backup()
        let archive = URL(fileURLWithPath: dir).appendingPathComponent("volume-data.tar.gz")
        var bytes = [UInt8](try Data(contentsOf: archive))
        bytes[bytes.count / 2] ^= 0xff
        try Data(bytes).write(to: archive)
        let dump = URL(fileURLWithPath: dir).appendingPathComponent("db-umami.dump")
        try Data("PGDMP".utf8).write(to: dump)
        let r = BackupVerifyCommand.verify(app: "umami", directory: root, docker: "docker", timeout: 60,
                                           machine: machine(counts: "", restoreFails: true))
        #expect(!r.ok)
        #expect(r.problems.contains("db-umami.dump: 5 bytes, the backup recorded 15"))
        #expect(r.problems.contains { $0.hasPrefix("volume-data.tar.gz: SHA-256 ") && $0.hasSuffix("the file changed since the backup") })
        #expect(r.problems.contains("db/umami: pg_restore failed: pg_restore: error: could not read input file: end of file"))
    }

    @Test func noBackupOrNoManifestIsAProblem() throws {
        let empty = try TestSupport.tempDirectory("selfhost-verify-empty").path
        let r = BackupVerifyCommand.verify(app: "umami", directory: empty, docker: "docker", timeout: 60, machine: machine(counts: ""))
        #expect(!r.ok && r.problems.first?.hasPrefix("no backup in ") == true)
        let (root, dir) = try backup()
        try FileManager.default.removeItem(atPath: dir + "/manifest.json")
        let r2 = BackupVerifyCommand.verify(app: "umami", directory: root, docker: "docker", timeout: 60, machine: machine(counts: ""))
        #expect(r2.problems.first?.hasPrefix("no manifest.json in ") == true)
    }

    @Test func theRecordIsWhatStatusShows() throws {
        let (root, _) = try backup()
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        try BackupVerifyRecord(backup: "20261202T031500Z", verifiedAt: at, ok: false, problems: ["x"]).write(in: root)
        let back = try #require(BackupVerifyRecord.read(in: root))
        #expect(back.verifiedAt == at && back.ok == false && back.backup == "20261202T031500Z")
    }
}

final class CommandLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [[String]] = []
    func add(_ argv: [String]) { lock.withLock { items.append(argv) } }
    var all: [[String]] { lock.withLock { items } }
}
