import Foundation
import Testing
@testable import SelfhostKit

/// The rendered backup.sh, run with bash against a stand-in `docker` (these unit tests need no
/// engine; e2e/test_backup.py runs the same script against a real one): what it asks docker to do,
/// where files land and with which modes, retention, a failed dump, and two runs at once.
@Suite("Render: backup script")
struct RenderBackupScriptTests {
    static let standIn = """
        #!/bin/sh
        # Records each call; `compose exec` prints a dump (fails when FAKE_FAIL is set, takes
        # FAKE_SLOW seconds when set); `volume inspect` fails when FAKE_NO_VOLUME is set;
        # `run --rm … tar -czf - …` prints an archive on stdout. A swarm node: `ps -q --filter label=…`
        # prints a task's id, `exec -i` prints a dump; `compose` is missing, as on a node without the plugin.
        echo "$*" >> "$FAKE_LOG"
        case "$1 $2" in
          "compose exec") [ -n "${FAKE_NO_COMPOSE:-}" ] && { echo "docker: 'compose' is not a docker command." >&2; exit 125; }
            [ -n "${FAKE_FAIL:-}" ] && exit 3; [ -n "${FAKE_SLOW:-}" ] && sleep "$FAKE_SLOW"; echo "dump: $*" ;;
          "ps -q") echo "f00dtask" ;;
          "exec -i") echo "dump: $*" ;;
          "volume inspect") [ -n "${FAKE_NO_VOLUME:-}" ] && { echo "Error: No such volume: $3" >&2; exit 1; }; echo "[]" ;;
          "run --rm") echo "archive: $*" ;;
        esac
        """

    struct Box {
        var dir: URL
        var out: URL
        var backups: URL { dir.appendingPathComponent("backups/gitea") }
        var log: String { dir.appendingPathComponent("log").path }
        var script: String { out.appendingPathComponent("gitea/backup.sh").path }

        init() throws {
            dir = try TestSupport.tempDirectory("render-backup")
            let docker = dir.appendingPathComponent("docker")
            try AtomicFile.write(RenderBackupScriptTests.standIn, to: docker, permissions: 0o755)
            out = dir.appendingPathComponent("box")
            let (ctx, _, _) = TestSupport.context(cwd: dir)
            _ = try RenderCommand.run(.init(apps: ["gitea"], domain: "example.com", out: out.path, docker: docker.path,
                                            backupDir: dir.appendingPathComponent("backups").path, keep: 2),
                                      store: try RenderTestSupport.fixtureStore(), context: ctx)
        }

        func start(_ env: [String: String] = [:]) throws -> RunningProcess {
            let p = ProcessRunner.start(ProcessRequest("/bin/bash", [script], environment: ["PATH": "/usr/bin:/bin", "FAKE_LOG": log].merging(env) { _, new in new },
                                                       timeout: 300, output: .discard))
            if let failure = p.launchFailure { throw NSError(domain: "test", code: 127, userInfo: [NSLocalizedDescriptionKey: failure]) }
            return p
        }

        func run(_ env: [String: String] = [:]) throws -> Int32 {
            try start(env).wait().status
        }

        /// Backup directories (timestamps), oldest first; hidden entries (lock, partials) apart.
        func kept() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: backups.path).filter { !$0.hasPrefix(".") }.sorted()
        }
        func hidden() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: backups.path).filter { $0.hasPrefix(".") }.sorted()
        }
    }

    static func mode(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("dumps the database, archives the volume into files only root reads, KEEP=2 over three runs leaves two")
    func backupScript() throws {
        let box = try Box()
        defer { try? FileManager.default.removeItem(at: box.dir) }
        // Back to back: runs within one second take the next free second instead of colliding.
        for _ in 0..<3 { #expect(try box.run() == 0) }
        let kept = try box.kept()
        #expect(kept.count == 2, "retention keeps 2: \(kept)")
        #expect(try box.hidden() == [".lock"], "no partial directory left behind")
        let newest = box.backups.appendingPathComponent(kept.last!)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: newest.path)) == ["db-gitea.pgdump", "volume-gitea-data.tar.gz", "compose.yaml", ".env", "manifest.json"])
        // The backup's manifest names every other file with its size and SHA-256.
        let manifest = try JSONDecoder().decode(BackupManifest.self, from: Data(contentsOf: newest.appendingPathComponent("manifest.json")))
        #expect(Set(manifest.files.map(\.name)) == ["db-gitea.pgdump", "volume-gitea-data.tar.gz", "compose.yaml", ".env"])
        for f in manifest.files {
            let data = try Data(contentsOf: newest.appendingPathComponent(f.name))
            #expect(f.bytes == Int64(data.count) && f.sha256 == RenderHash.sha256([UInt8](data)), "\(f.name)")
        }
        #expect(manifest.databases.map(\.kind) == ["postgres"] && manifest.databases.first?.file == "db-gitea.pgdump")
        #expect(Self.mode(newest.path) == 0o700)
        for f in try FileManager.default.contentsOfDirectory(atPath: newest.path) {
            let m = Self.mode(newest.appendingPathComponent(f).path)
            #expect(m == 0o600, "\(f) has mode \(String(m, radix: 8))")
        }
        // The archive is what the throwaway container printed, written by the script itself.
        let archive = try String(contentsOf: newest.appendingPathComponent("volume-gitea-data.tar.gz"), encoding: .utf8)
        #expect(archive.hasPrefix("archive: run --rm --network none -v selfhost-gitea_gitea-data:/volume:ro"))
        #expect(archive.contains("tar -czf - -C /volume ."))
        let env = newest.appendingPathComponent(".env").path
        #expect(FileManager.default.contents(atPath: env) == FileManager.default.contents(atPath: box.out.appendingPathComponent("gitea/.env").path))
        let calls = try String(contentsOfFile: box.log, encoding: .utf8)
        #expect(calls.contains("compose exec -T db sh -c exec pg_dump"))
        #expect(calls.contains("volume inspect selfhost-gitea_gitea-data"))
        #expect(!calls.contains(":/backup"), "no host directory is mounted into the archiving container")

        // KEEP from the environment overrides the rendered default.
        #expect(try box.run(["KEEP": "1"]) == 0)
        #expect(try box.kept().count == 1)
    }

    @Test("on a swarm node (SWARM_STACK, the swarm backup unit) every command runs in the local task: no `docker compose`")
    func swarmNode() throws {
        let box = try Box()
        defer { try? FileManager.default.removeItem(at: box.dir) }
        #expect(try box.run(["SWARM_STACK": "selfhost-gitea", "FAKE_NO_COMPOSE": "1"]) == 0)
        let calls = try String(contentsOfFile: box.log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(!calls.contains { $0.hasPrefix("compose") }, "\(calls)")
        #expect(calls.contains { $0.hasPrefix("ps -q --filter label=com.docker.swarm.service.name=selfhost-gitea_db") }, "\(calls)")
        // The dump, then the manifest's read-back of it (pg_restore), both in the task.
        #expect(calls.contains { $0.hasPrefix("exec -i f00dtask sh -c exec pg_dump") }, "\(calls)")
        #expect(calls.contains { $0.hasPrefix("exec -i f00dtask pg_restore -f -") }, "\(calls)")
        #expect(try box.kept().count == 1)
    }

    @Test("a failed dump or a missing volume: non-zero exit, no new backup, nothing half-written")
    func failures() throws {
        let box = try Box()
        defer { try? FileManager.default.removeItem(at: box.dir) }
        #expect(try box.run() == 0)
        let before = try box.kept()
        #expect(try box.run(["FAKE_FAIL": "1"]) != 0)
        #expect(try box.run(["FAKE_NO_VOLUME": "1"]) != 0)
        #expect(try box.kept() == before)
        #expect(try box.hidden() == [".lock"])
    }

    @Test("KEEP that is not a whole number of at least 1 is refused (exit 2) before anything is written")
    func badKeep() throws {
        let box = try Box()
        defer { try? FileManager.default.removeItem(at: box.dir) }
        for bad in ["0", "abc", "-1", "2x"] {
            #expect(try box.run(["KEEP": bad]) == 2, "KEEP=\(bad)")
        }
        #expect(!FileManager.default.fileExists(atPath: box.backups.path))
    }

    @Test("two runs started together both succeed, one after the other, into distinct directories")
    func concurrentRuns() throws {
        let box = try Box()
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let a = try box.start(["FAKE_SLOW": "1", "KEEP": "5"]), b = try box.start(["FAKE_SLOW": "1", "KEEP": "5"])
        #expect(a.wait().status == 0 && b.wait().status == 0)
        let kept = try box.kept()
        #expect(kept.count == 2, "\(kept)")
        for k in kept {
            #expect(Set(try FileManager.default.contentsOfDirectory(atPath: box.backups.appendingPathComponent(k).path)).count == 5)
        }
        #expect(try box.hidden() == [".lock"])
    }

    @Test("a partial directory a killed run left behind is removed by the next run")
    func stalePartial() throws {
        let box = try Box()
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let stale = box.backups.appendingPathComponent(".partial-20260101T000000Z.abc123")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try "half".write(to: stale.appendingPathComponent("db-gitea.pgdump"), atomically: true, encoding: .utf8)
        #expect(try box.run() == 0)
        #expect(try box.hidden() == [".lock"])
        #expect(try box.kept().count == 1)
    }
}
