import Foundation
import Testing
@testable import SelfhostKit

/// `--install-dir` and the docker path: a box rendered in one directory (a laptop, CI) runs from
/// another (the server), with the server's docker, not the render machine's.
@Suite("Render: install directory and docker path")
struct RenderInstallDirTests {
    /// A docker stand-in that records where it ran and with what.
    static let standIn = """
        #!/bin/sh
        echo "$PWD $*" >> "$FAKE_LOG"
        """

    func render(_ options: RenderCommand.Options, cwd: URL, path: String = "/usr/bin:/bin") throws -> (SelfhostKit.ExitStatus, String, String) {
        let (ctx, stdout, stderr) = TestSupport.context(cwd: cwd, env: ["PATH": path])
        let status = try RenderCommand.run(options, store: try RenderTestSupport.fixtureStore(), context: ctx)
        return (status, stdout.text, stderr.text)
    }

    @Test("units, scripts and README use --install-dir, never the directory rendered into; remembered by the next render")
    func installDirInFiles() throws {
        let dir = try TestSupport.tempDirectory("render-install")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("laptop/deploy")
        let (status, _, _) = try render(.init(apps: ["umami", "gitea"], domain: "example.com", out: out.path, installDir: "/srv/box/"), cwd: dir)
        #expect(status == .success)
        let files = RenderTestSupport.snapshot(out)
        for (path, text) in files where !path.hasPrefix(".selfhost/") {
            // `selfhost render … --out DIR` commands (the setup gate's --open) run where the box is rendered.
            let serverLines = text.split(separator: "\n").filter { !$0.contains("selfhost render ") }
            let named = serverLines.filter { $0.contains(dir.path) }
            #expect(named.isEmpty, "\(path) names the render directory:\n\(named.joined(separator: "\n"))")
        }
        let unit = try #require(files["systemd/selfhost-umami.service"])
        #expect(unit.contains("WorkingDirectory=/srv/box/umami\n"))
        #expect(unit.contains("ExecStart=/usr/bin/docker compose up -d --remove-orphans\n"))
        #expect(unit.contains("Documentation=file:///srv/box/README.md\n"))
        let backupUnit = try #require(files["systemd/selfhost-gitea-backup.service"])
        #expect(backupUnit.contains("ExecStart=/srv/box/gitea/backup.sh\n") && backupUnit.contains("WorkingDirectory=/srv/box/gitea\n"))
        #expect(try #require(files["systemd/selfhost-caddy.service"]).contains("ExecReload=/srv/box/caddy/reload.sh\n"))
        let readme = try #require(files["README.md"])
        #expect(readme.contains("sudo cp /srv/box/systemd/*.service /srv/box/systemd/*.timer /etc/systemd/system/"))
        #expect(readme.contains("rsync -a ./ root@SERVER:/srv/box/"), "says to copy the box to the server")
        #expect(try RenderManifest.read(in: out)?.installDir == "/srv/box")

        // The next render, without the flag, keeps the box where it lives: nothing to rewrite.
        let (again, text, _) = try render(.init(apps: ["umami"], out: out.path), cwd: dir)
        #expect(again == .success)
        #expect(RenderTestSupport.snapshot(out) == files, "a render without --install-dir must keep /srv/box:\n\(text)")
        #expect(text.contains("files unchanged") && !text.contains("created") && !text.contains("updated"), "\(text)")
    }

    @Test("without --install-dir the units use the output directory, and the README has no copy step")
    func defaultIsOut() throws {
        let dir = try TestSupport.tempDirectory("render-install-default")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        _ = try render(.init(apps: ["umami"], domain: "example.com", out: out.path), cwd: dir)
        let unit = try String(contentsOf: out.appendingPathComponent("systemd/selfhost-umami.service"), encoding: .utf8)
        #expect(unit.contains("WorkingDirectory=\(out.path)/umami\n"))
        #expect(!(try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)).contains("rsync -a ./"))
        #expect(try RenderManifest.read(in: out)?.installDir == nil)
    }

    @Test("docker: /usr/bin/docker unless --docker, whatever this machine's PATH has; --docker is remembered")
    func dockerPath() throws {
        let dir = try TestSupport.tempDirectory("render-docker")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bin = dir.appendingPathComponent("bin")
        try AtomicFile.write(Self.standIn, to: bin.appendingPathComponent("docker"), permissions: 0o755)
        let out = dir.appendingPathComponent("box")
        let (_, text, _) = try render(.init(apps: ["umami"], domain: "example.com", out: out.path), cwd: dir, path: "\(bin.path):/usr/bin:/bin")
        let unitURL = out.appendingPathComponent("systemd/selfhost-umami.service")
        #expect(try String(contentsOf: unitURL, encoding: .utf8).contains("ExecStart=/usr/bin/docker compose up"))
        #expect(text.contains("docker on this machine is \(bin.path)/docker: render with --docker \(bin.path)/docker"), "\(text)")

        _ = try render(.init(apps: ["umami"], out: out.path, docker: "/opt/docker/bin/docker"), cwd: dir)
        #expect(try String(contentsOf: unitURL, encoding: .utf8).contains("ExecStart=/opt/docker/bin/docker compose up"))
        #expect(try RenderManifest.read(in: out)?.docker == "/opt/docker/bin/docker")
        _ = try render(.init(apps: ["gitea"], out: out.path), cwd: dir)
        #expect(try String(contentsOf: unitURL, encoding: .utf8).contains("ExecStart=/opt/docker/bin/docker compose up"), "remembered")
        #expect(try String(contentsOf: out.appendingPathComponent("gitea/backup.sh"), encoding: .utf8).contains("DOCKER=\"/opt/docker/bin/docker\""))
    }

    @Test("bad --install-dir: exit 2, nothing written", arguments: ["srv/box", "/srv/../etc", "/srv/my box", "/"])
    func badInstallDir(_ raw: String) throws {
        let dir = try TestSupport.tempDirectory("render-install-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        var error: SelfhostError?
        do { _ = try render(.init(apps: ["umami"], domain: "example.com", out: out.path, installDir: raw), cwd: dir) } catch let e as SelfhostError { error = e }
        #expect(error?.status == .usage && error?.message.contains("--install-dir") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("rendered in one directory, copied to --install-dir: the units' commands and backup.sh run from there")
    func runsFromInstallDir() throws {
        let dir = try TestSupport.tempDirectory("render-install-run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let docker = dir.appendingPathComponent("bin/docker")
        try AtomicFile.write(RenderBackupScriptTests.standIn, to: docker, permissions: 0o755)
        let rendered = dir.appendingPathComponent("ci/deploy"), server = dir.appendingPathComponent("srv/box")
        _ = try render(.init(apps: ["gitea"], domain: "example.com", out: rendered.path, installDir: server.path, docker: docker.path,
                             backupDir: dir.appendingPathComponent("backups").path), cwd: dir)
        // Deploy as people do (a copy keeping modes), and remove the rendered copy: nothing may still point at it.
        try FileManager.default.createDirectory(at: server.deletingLastPathComponent(), withIntermediateDirectories: true)
        let cp = try RenderTestSupport.run("/bin/cp", ["-a", rendered.path, server.path])
        #expect(cp.status == 0, "\(cp.output)")
        try FileManager.default.removeItem(at: rendered.deletingLastPathComponent())

        // What systemd would run: ExecStart in WorkingDirectory, as the unit says.
        let unit = try String(contentsOf: server.appendingPathComponent("systemd/selfhost-gitea.service"), encoding: .utf8)
        func value(_ key: String, in text: String) -> String? {
            text.split(separator: "\n").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
        }
        let cwd = try #require(value("WorkingDirectory", in: unit))
        #expect(cwd == server.appendingPathComponent("gitea").path)
        let start = try #require(value("ExecStart", in: unit)).split(separator: " ").map(String.init)
        let log = dir.appendingPathComponent("log").path
        let up = try RenderTestSupport.run(start[0], Array(start.dropFirst()), cwd: URL(fileURLWithPath: cwd), env: ["FAKE_LOG": log])
        #expect(up.status == 0, "\(up.output)")

        let backupUnit = try String(contentsOf: server.appendingPathComponent("systemd/selfhost-gitea-backup.service"), encoding: .utf8)
        let script = try #require(value("ExecStart", in: backupUnit))
        #expect(script == server.appendingPathComponent("gitea/backup.sh").path)
        let backup = try RenderTestSupport.run("/bin/bash", [script], cwd: URL(fileURLWithPath: try #require(value("WorkingDirectory", in: backupUnit))),
                                               env: ["FAKE_LOG": log])
        #expect(backup.status == 0, "\(backup.output)")
        let calls = try String(contentsOfFile: log, encoding: .utf8)
        #expect(calls.hasPrefix("compose up -d --remove-orphans\n"), "\(calls)")
        #expect(calls.contains("compose exec -T db"), "the backup dumped the database through the box's docker:\n\(calls)")
        let stamps = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("backups/gitea").path).filter { !$0.hasPrefix(".") }
        #expect(stamps.count == 1)
        // The copied .env kept its mode (secrets stay private after the copy).
        let mode = (try FileManager.default.attributesOfItem(atPath: server.appendingPathComponent("gitea/.env").path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }
}
