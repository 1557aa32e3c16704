import Foundation
import Testing
@testable import SelfhostKit

@Suite("install")
struct InstallCommandTests {
    func box(_ apps: [String], installDir: String? = nil) throws -> URL {
        let out = try TestSupport.tempDirectory("selfhost-install-box").appendingPathComponent("box")
        let (ctx, _, stderr) = TestSupport.context(cwd: out.deletingLastPathComponent(), env: ["PATH": "/usr/bin:/bin"])
        let options = RenderCommand.Options(apps: apps, domain: "example.com", out: out.path, installDir: installDir, docker: "/usr/bin/docker")
        let status = try RenderCommand.run(options, store: .embedded, context: ctx)
        #expect(status == .success, "\(stderr.text)")
        return URL(fileURLWithPath: out.resolvingSymlinksInPath().path)
    }

    func install(_ box: URL, _ server: FakeServer, dryRun: Bool = false, format: OutputFormat = .text,
                 timeout: Double = 30) throws -> (SelfhostKit.ExitStatus, String, String) {
        let (ctx, stdout, stderr) = TestSupport.context(cwd: box)
        let status = try InstallCommand.run(.init(box: box.path, dryRun: dryRun, format: format, timeout: timeout), context: ctx, machine: server.machine)
        return (status, stdout.text, stderr.text)
    }

    func healthy(_ server: FakeServer, _ apps: [String]) {
        server.containers = apps.flatMap { [FakeServer.container("selfhost-\($0)", "app"), FakeServer.container("selfhost-\($0)", "db")] }
            + [FakeServer.container("selfhost-caddy", "caddy", health: nil)]
    }

    func systemctl(_ server: FakeServer) -> [[String]] { server.commands.filter { $0.first == "systemctl" } }

    @Test func dryRunPrintsTheCommandsInOrderAndRunsNone() throws {
        let b = try box(["umami", "gitea"])
        let server = try FakeServer()
        let (status, out, _) = try install(b, server, dryRun: true)
        #expect(status == .success)
        #expect(server.commands.isEmpty)
        let lines = out.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
        let units = ["selfhost-caddy.service",
                     "selfhost-gitea-backup.service", "selfhost-gitea-backup.timer", "selfhost-gitea.service",
                     "selfhost-umami-backup.service", "selfhost-umami-backup.timer", "selfhost-umami.service"]
        #expect(lines.contains("install -m 0644 -t \(server.unitDirectory.path) " + units.map { b.path + "/systemd/" + $0 }.joined(separator: " ")))
        let order = ["systemctl daemon-reload", "systemctl enable --now selfhost-gitea.service selfhost-umami.service",
                     "systemctl enable --now selfhost-caddy.service",
                     "systemctl enable --now selfhost-gitea-backup.timer selfhost-umami-backup.timer"]
        #expect(lines.filter { $0.hasPrefix("systemctl") } == order)
        #expect(out.contains("new: gitea, umami"))
    }

    @Test func dryRunJSONHasEveryStep() throws {
        let b = try box(["umami"])
        let server = try FakeServer()
        let (status, out, _) = try install(b, server, dryRun: true, format: .json)
        #expect(status == .success)
        let json = try TestSupport.json(out)
        #expect(json["dry_run"] as? Bool == true && json["refused"] as? Bool == false)
        #expect(json["new_apps"] as? [String] == ["umami"] && json["caddy"] as? String == "start")
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.map { $0["status"] as? String } == Array(repeating: "planned", count: steps.count))
        #expect(steps.last?["shell"] as? String == "systemctl enable --now selfhost-umami-backup.timer")
        #expect(json["healthy"] is NSNull && json["status"] is NSNull)
    }

    @Test func refusesAServerThatLacksWhatTheBoxNeeds() throws {
        let b = try box(["umami"])
        let server = try FakeServer()
        try FileManager.default.removeItem(at: server.runtimeDirectory)
        server.engineUp = false
        server.compose = "1.29.2"
        server.root_ = false
        server.listeners[80] = [ListeningSocket(port: 80, process: "nginx", pid: 812)]
        let (status, _, err) = try install(b, server)
        #expect(status == .problems)
        #expect(server.commands.isEmpty)
        #expect(err.contains("systemd is not running as the init system"))
        #expect(err.contains("it needs root") && err.contains("sudo selfhost install"))
        #expect(err.contains("Docker Engine not reachable"))
        #expect(err.contains("Compose 1.29.2 is too old"))
        #expect(err.contains("port 80: already in use by nginx (pid 812)") && err.contains("systemctl disable --now nginx"))
        #expect(!err.contains("port 443"))
        let (_, json, _) = try install(b, server, format: .json)
        let report = try TestSupport.json(json)
        #expect(report["refused"] as? Bool == true)
        let failed = (report["checks"] as? [[String: Any]])?.filter { $0["ok"] as? Bool == false }.compactMap { $0["id"] as? String }
        #expect(failed == ["systemd", "root", "docker", "compose", "port.80"])
    }

    @Test func theBoxOwnCaddyOnThePortsIsNoObstacle() throws {
        let b = try box(["umami"])
        let server = try FakeServer()
        server.listeners[443] = [ListeningSocket(port: 443, process: "docker-proxy", pid: 99)]
        healthy(server, ["umami"])
        let (status, _, err) = try install(b, server)
        #expect(status == .success, "\(err)")
    }

    @Test func installRunsTheStepsRecordsThemAndASecondRunDoesNothing() throws {
        let b = try box(["umami", "gitea"])
        let server = try FakeServer()
        healthy(server, ["umami", "gitea"])
        let (status, out, err) = try install(b, server)
        #expect(status == .success, "\(err)")
        #expect(systemctl(server).map { $0.dropFirst().prefix(2).joined(separator: " ") } ==
                ["daemon-reload", "enable --now", "enable --now", "enable --now"])
        // The units are where systemd reads them, as rendered.
        for unit in ["selfhost-umami.service", "selfhost-caddy.service", "selfhost-gitea-backup.timer"] {
            #expect(FileManager.default.contents(atPath: server.unitDirectory.appendingPathComponent(unit).path)
                    == FileManager.default.contents(atPath: b.appendingPathComponent("systemd/\(unit)").path))
        }
        #expect(out.contains("every container is up"))
        let record = try #require(try InstallRecord.read(in: b))
        #expect(record.apps.sorted() == ["gitea", "umami"] && record.caddyImage?.hasPrefix("caddy:") == true)
        #expect(record.files["umami/.env"] != nil && record.files["umami/compose.yaml"] != nil)

        let again = try FakeServer.copying(server)
        let (s2, out2, _) = try install(b, again, dryRun: true)
        #expect(s2 == .success && out2.contains("Nothing to do"))
    }

    @Test func addingAnAppStartsItAndReloadsCaddyWithoutRestartingOthers() throws {
        let b = try box(["umami"])
        let server = try FakeServer()
        healthy(server, ["umami", "gitea"])
        #expect(try install(b, server).0 == .success)
        let (ctx, _, _) = TestSupport.context(cwd: b.deletingLastPathComponent(), env: ["PATH": "/usr/bin:/bin"])
        #expect(try RenderCommand.run(.init(apps: ["gitea"], out: b.path, docker: "/usr/bin/docker"), store: .embedded, context: ctx) == .success)
        let before = server.commands.count
        let (status, _, err) = try install(b, server)
        #expect(status == .success, "\(err)")
        let run = server.commands.dropFirst(before).map { $0.joined(separator: " ") }
        #expect(run.filter { $0.hasPrefix("systemctl") } == [
            "systemctl daemon-reload", "systemctl enable --now selfhost-gitea.service", "systemctl reload selfhost-caddy.service",
            "systemctl enable --now selfhost-gitea-backup.timer"])
        #expect(!run.contains { $0.contains("restart") })
    }

    @Test func anEditedEnvRestartsThatAppAlone() throws {
        let b = try box(["umami", "gitea"])
        let server = try FakeServer()
        healthy(server, ["umami", "gitea"])
        #expect(try install(b, server).0 == .success)
        let env = b.appendingPathComponent("gitea/.env")
        let text = try String(contentsOf: env, encoding: .utf8)
        try (text + "GITEA__mailer__ENABLED=true\n").write(to: env, atomically: true, encoding: .utf8)
        let (_, json, _) = try install(b, server, dryRun: true, format: .json)
        let report = try TestSupport.json(json)
        #expect(report["changed_apps"] as? [String] == ["gitea"] && report["new_apps"] as? [String] == [])
        #expect(report["caddy"] as? String == "none")
        #expect((report["steps"] as? [[String: Any]])?.compactMap { $0["shell"] as? String } == ["systemctl restart selfhost-gitea.service"])
        // A backup script or .env.example change restarts nothing.
        let script = b.appendingPathComponent("umami/backup.sh")
        try (try String(contentsOf: script, encoding: .utf8) + "# edited\n").write(to: script, atomically: true, encoding: .utf8)
        let (_, json2, _) = try install(b, server, dryRun: true, format: .json)
        #expect(try TestSupport.json(json2)["changed_apps"] as? [String] == ["gitea"])
    }

    @Test func aFailedStepStopsWithTheUnitToLookAtAndRecordsNothing() throws {
        let b = try box(["umami"])
        let server = try FakeServer()
        server.failing = "enable --now selfhost-caddy.service"
        let (status, out, err) = try install(b, server)
        #expect(status == .problems)
        #expect(out.contains("Job for enable --now selfhost-caddy.service failed."))
        #expect(err.contains("`systemctl enable --now selfhost-caddy.service` failed: exited 1"))
        #expect(err.contains("journalctl -u selfhost-caddy.service"))
        #expect(!server.commands.contains { $0.contains("selfhost-umami-backup.timer") })
        #expect(try InstallRecord.read(in: b) == nil)
    }

    @Test func aContainerThatNeverGetsHealthyEndsInExitOne() throws {
        let b = try box(["umami"])
        let server = try FakeServer()
        server.containers = [FakeServer.container("selfhost-umami", "app", health: "unhealthy"), FakeServer.container("selfhost-caddy", "caddy")]
        let (status, json, _) = try install(b, server, format: .json, timeout: 5)
        #expect(status == .problems)
        let report = try TestSupport.json(json)
        #expect(report["healthy"] as? Bool == false)
        #expect(report["waiting"] as? [String] == ["selfhost-umami-app-1: unhealthy"])
    }

    @Test func aBoxAwayFromWhereItsUnitsPointIsRefused() throws {
        let b = try box(["umami"], installDir: "/srv/selfhost-nowhere")
        let server = try FakeServer()
        let (ctx, _, _) = TestSupport.context(cwd: b)
        #expect {
            try InstallCommand.run(.init(box: b.path), context: ctx, machine: server.machine)
        } throws: { error in
            let e = error as? SelfhostError
            return e?.status == .usage && e?.message.contains("run it from /srv/selfhost-nowhere") == true
                && e?.remedy?.contains("rsync -a") == true
        }
    }

    @Test func notABoxAndBadTimeoutAreUsageErrors() throws {
        let server = try FakeServer()
        let (ctx, _, _) = TestSupport.context(cwd: server.root)
        #expect(throws: SelfhostError.self) { try InstallCommand.run(.init(box: server.root.path), context: ctx, machine: server.machine) }
        #expect(throws: SelfhostError.self) { try InstallCommand.run(.init(box: server.root.path, timeout: 0), context: ctx, machine: server.machine) }
    }

    @Test func shellLinesQuoteWhatTheShellWouldSplit() {
        let step = InstallStep(command: ["/bin/sh", "-c", "a && b 'c'"], directory: "/srv/my box", why: "x")
        #expect(step.shellLine == #"cd '/srv/my box' && /bin/sh -c 'a && b '"'"'c'"'"''"#)
    }
}

extension FakeServer {
    /// A fresh runner over the same unit directory (what the first run installed).
    static func copying(_ other: FakeServer) throws -> FakeServer {
        let s = try FakeServer()
        try FileManager.default.removeItem(at: s.unitDirectory)
        try FileManager.default.copyItem(at: other.unitDirectory, to: s.unitDirectory)
        s.containers = other.containers
        return s
    }
}
