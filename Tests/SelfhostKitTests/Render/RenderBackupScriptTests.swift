import Foundation
import Testing
@testable import SelfhostKit

/// The rendered backup.sh, run with bash against a stand-in `docker` (no engine on the test
/// machine): what it asks docker to do, where files land, retention, and a failed dump.
@Suite("Render: backup script")
struct RenderBackupScriptTests {
    static let standIn = """
        #!/bin/sh
        # Records each call; `compose exec` prints a dump (or fails when FAKE_FAIL is set);
        # `run ... tar -czf /backup/F` creates F in the directory mounted at /backup.
        echo "$*" >> "$FAKE_LOG"
        case "$1 $2" in
          "compose exec") [ -n "${FAKE_FAIL:-}" ] && exit 3; echo "dump: $*" ;;
          "run --rm")
            for a in "$@"; do case "$a" in *:/backup) dir=${a%:/backup};; esac; done
            for a in "$@"; do case "$a" in /backup/*) f=${a#/backup/};; esac; done
            echo archive > "$dir/$f" ;;
        esac
        """

    @Test("dumps the database, archives the volume, keeps the newest N, leaves nothing behind on failure")
    func backupScript() throws {
        let dir = try TestSupport.tempDirectory("render-backup")
        defer { try? FileManager.default.removeItem(at: dir) }
        let docker = dir.appendingPathComponent("docker")
        try AtomicFile.write(Self.standIn, to: docker, permissions: 0o755)
        let out = dir.appendingPathComponent("box"), backups = dir.appendingPathComponent("backups")
        let (ctx, _, _) = TestSupport.context(cwd: dir)
        _ = try RenderCommand.run(.init(apps: ["gitea"], domain: "example.com", out: out.path, docker: docker.path,
                                        backupDir: backups.path, keep: 2),
                                  store: try RenderTestSupport.fixtureStore(), context: ctx)
        let script = out.appendingPathComponent("gitea/backup.sh").path
        let log = dir.appendingPathComponent("log").path
        func run(fail: Bool = false) throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = [script]
            p.environment = ["PATH": "/usr/bin:/bin", "FAKE_LOG": log] .merging(fail ? ["FAKE_FAIL": "1"] : [:]) { a, _ in a }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        for _ in 0..<3 {
            #expect(try run() == 0)
            Thread.sleep(forTimeInterval: 1.05)  // timestamps have one-second resolution
        }
        let kept = try FileManager.default.contentsOfDirectory(atPath: backups.appendingPathComponent("gitea").path).sorted()
        #expect(kept.count == 2, "retention keeps 2: \(kept)")
        let newest = backups.appendingPathComponent("gitea/\(kept.last!)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: newest.path)) == ["db-gitea.pgdump", "volume-gitea-data.tar.gz", "compose.yaml", ".env"])
        // The .env (secrets, encryption keys) is in the backup, as it is, readable by root only.
        let env = newest.appendingPathComponent(".env").path
        #expect(FileManager.default.contents(atPath: env) == FileManager.default.contents(atPath: out.appendingPathComponent("gitea/.env").path))
        let mode = (try FileManager.default.attributesOfItem(atPath: env)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600, "mode \(String(mode ?? 0, radix: 8))")
        let calls = try String(contentsOfFile: log, encoding: .utf8)
        #expect(calls.contains("compose exec -T db sh -c exec pg_dump"))
        #expect(calls.contains("-v selfhost-gitea_gitea-data:/volume:ro"))

        // A failing dump: non-zero exit, no new backup and no half-written directory.
        #expect(try run(fail: true) != 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: backups.appendingPathComponent("gitea").path).sorted() == kept)
    }
}
