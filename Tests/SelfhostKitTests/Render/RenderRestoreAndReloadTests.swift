import Foundation
import Testing
import Yams
@testable import SelfhostKit

/// The README's restore blocks and Caddy's reload script, run with bash against a stand-in
/// `docker` that records its calls (e2e/ runs the same commands against a real engine): the order
/// that makes a restored database accept the app's login, and a reload that joins new networks.
@Suite("Render: restore blocks and Caddy reload")
struct RenderRestoreAndReloadTests {
    static let recorder = """
        #!/bin/sh
        # Records each call. `compose exec` reads stdin. `compose ps -q caddy` prints $FAKE_CADDY_ID; `network inspect N` fails for
        # networks in $FAKE_MISSING and lists the Caddy container only for networks in $FAKE_JOINED. `inspect --type
        # container` gives Caddy's name; `ps --filter id=… --filter network=N` lists it for networks in $FAKE_JOINED.
        # `network connect N` fails as the engine does on a stale endpoint of Caddy's name for networks in $FAKE_STALE,
        # until `network disconnect --force N selfhost-caddy-caddy-1` was called; with $FAKE_CONNECT_ERROR set, always.
        echo "$*" >> "$FAKE_LOG"
        case "$1 $2" in
          "compose ps") echo "${FAKE_CADDY_ID:-}" ;;
          "ps -q")  # ps -q --no-trunc --filter id=ID --filter network=N
            case " ${FAKE_JOINED:-} " in *" ${7#network=} "*) echo "${FAKE_CADDY_ID}0123456789" ;; esac ;;
          "inspect --type") printf '[\\n    {\\n        "Id": "%s0123456789",\\n        "Name": "/selfhost-caddy-caddy-1",\\n' "$FAKE_CADDY_ID" ;;
          "network connect")
            if [ -n "${FAKE_CONNECT_ERROR:-}" ]; then echo "$FAKE_CONNECT_ERROR" >&2; exit 1; fi
            case " ${FAKE_STALE:-} " in *" $3 "*)
              grep -qx "network disconnect --force $3 selfhost-caddy-caddy-1" "$FAKE_LOG" \\
                || { echo "Error response from daemon: endpoint with name selfhost-caddy-caddy-1 already exists in network $3" >&2; exit 1; } ;;
            esac ;;
          "compose exec") cat >/dev/null ;;  # reads the dump it is given, as the database client would
          "network inspect")
            case " ${FAKE_MISSING:-} " in *" $3 "*) exit 1 ;; esac
            case " ${FAKE_JOINED:-} " in *" $3 "*) echo "[{\\"Name\\": \\"$3\\", \\"Containers\\": {\\"${FAKE_CADDY_ID}0123456789\\": {}}}]" ;; *) echo "[{\\"Name\\": \\"$3\\", \\"Containers\\": {}}]" ;; esac ;;
        esac
        exit 0
        """

    struct Sandbox {
        let dir: URL
        let bin: URL
        var log: String { dir.appendingPathComponent("log").path }
        init(_ name: String) throws {
            dir = try TestSupport.tempDirectory("render-\(name)")
            bin = dir.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            try AtomicFile.write(RenderRestoreAndReloadTests.recorder, to: bin.appendingPathComponent("docker"), permissions: 0o755)
        }
        /// Runs `script` with bash, the stand-in first on PATH (as `docker`, and as the units' path).
        func bash(_ script: String, env: [String: String] = [:]) throws -> RenderTestSupport.Result {
            let file = dir.appendingPathComponent("script-\(UUID().uuidString).sh")
            try script.write(to: file, atomically: true, encoding: .utf8)
            return try RenderTestSupport.run("/bin/bash", [file.path], cwd: dir,
                                             env: ["PATH": "\(bin.path):/usr/bin:/bin", "FAKE_LOG": log].merging(env) { _, new in new })
        }
        func calls() -> [String] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
    }

    /// The fenced block under "To restore" in the app's section of the README.
    static func restoreBlock(_ readme: String, app name: String) throws -> String {
        let section = try #require(readme.range(of: "\n### \(name)\n"), "no section for \(name)")
        let rest = readme[section.upperBound...]
        let intro = try #require(rest.range(of: "To restore"))
        let open = try #require(rest[intro.upperBound...].range(of: "```sh\n"))
        let close = try #require(rest[open.upperBound...].range(of: "\n```"))
        return String(rest[open.upperBound..<close.lowerBound])
    }

    @Test("restore: .env first, volumes dropped and re-created by Compose, each database initialised from that .env, then loaded",
          arguments: [("gitea", "Gitea", "db-gitea.pgdump", "pg_restore"), ("easy-appointments", "Easy!Appointments", "db-easyappointments.sql.gz", "gunzip -c")])
    func restoreOrder(_ id: String, _ name: String, _ dump: String, _ loader: String) throws {
        let box = try Sandbox("restore-\(id)")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let out = box.dir.appendingPathComponent("box")
        try RenderTestSupport.render([id], out: out)
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("2.1.1 or later"), "the README states the Compose version `up --wait` needs")
        let block = try Self.restoreBlock(readme, app: name)
        #expect(block.hasPrefix("(\nset -euo pipefail\n"), "one all-or-nothing subshell:\n\(block)")
        #expect(!block.contains("docker volume create") && !block.contains("docker volume rm"), "volumes come from Compose, with its labels")
        let lines = block.split(separator: "\n").map(String.init)
        func at(_ needle: String) throws -> Int { try #require(lines.firstIndex { $0.contains(needle) }, "no `\(needle)` in:\n\(block)") }
        let down = try at("docker compose down --volumes"), env = try at("install -m 0600 \"$B/.env\" .env")
        let create = try at("docker compose create"), startDB = try at("docker compose up -d --wait db")
        let load = try at(loader), up = try #require(lines.lastIndex { $0 == "docker compose up -d --wait" })
        #expect(down < env && env < create && create < startDB && startDB < load && load < up)

        // Run it: a backup missing its dump stops the block before anything is deleted.
        let b = box.dir.appendingPathComponent("backup")
        try FileManager.default.createDirectory(at: b, withIntermediateDirectories: true)
        try "COMPOSE_PROJECT_NAME=selfhost-\(id)\nPOSTGRES_PASSWORD=old\n".write(to: b.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        let check = try #require(block.split(separator: "\n").first { $0.hasPrefix("for f in .env") })
        let files = check.split(separator: ";")[0].split(separator: " ").dropFirst(3).map(String.init)
        #expect(files.contains(dump), "\(files)")
        let incomplete = try box.bash(block, env: ["B": b.path])
        #expect(incomplete.status == 1 && incomplete.output.contains("not in the backup: \(b.path)/\(dump)"), "\(incomplete.output)")
        #expect(box.calls().isEmpty, "docker was called: \(box.calls())")

        for f in files where f != ".env" {
            guard f.hasSuffix(".sql.gz") else { try "data".write(to: b.appendingPathComponent(f), atomically: true, encoding: .utf8); continue }
            let plain = b.appendingPathComponent(String(f.dropLast(3)))
            try "data".write(to: plain, atomically: true, encoding: .utf8)
            #expect(try RenderTestSupport.run("/bin/gzip", ["-f", plain.path]).status == 0)
        }
        let complete = try box.bash(block, env: ["B": b.path])
        #expect(complete.status == 0, "\(complete.output)")
        let calls = box.calls()
        #expect(calls.first == "compose down --volumes" && calls.last == "compose up -d --wait", "\(calls)")
        #expect(try String(contentsOf: out.appendingPathComponent("\(id)/.env"), encoding: .utf8).contains("POSTGRES_PASSWORD=old"))
        for volume in files where volume.hasPrefix("volume-") {
            let v = String(volume.dropFirst("volume-".count).dropLast(".tar.gz".count))
            #expect(calls.contains { $0.contains("-v selfhost-\(id)_\(v):/volume") && $0.contains("tar -xzf /backup/\(volume)") }, "\(calls)")
        }
        // Another project name from the environment (as compose reads it) reaches the volume names.
        try? FileManager.default.removeItem(atPath: box.log)
        #expect(try box.bash(block, env: ["B": b.path, "COMPOSE_PROJECT_NAME": "other-\(id)"]).status == 0)
        if files.contains(where: { $0.hasPrefix("volume-") }) {
            #expect(box.calls().contains { $0.contains("-v other-\(id)_") }, "\(box.calls())")
        }
    }

    @Test("in a box of every renderable app: each backup.sh parses and writes only into its private partial directory; each restore block starts a service before it execs into it")
    func everyApp() throws {
        let dir = try TestSupport.tempDirectory("render-restore-all")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        try RenderTestSupport.render(RenderTestSupport.renderableApps, out: out)
        let readme = try String(contentsOf: out.appendingPathComponent("README.md"), encoding: .utf8)
        let shell = try Sandbox("restore-syntax")
        defer { try? FileManager.default.removeItem(at: shell.dir) }
        var blocks = 0
        for id in RenderTestSupport.renderableApps {
            let script = out.appendingPathComponent("\(id)/backup.sh").path
            let syntax = try RenderTestSupport.run("/bin/bash", ["-n", script])
            #expect(syntax.status == 0, "\(id)/backup.sh: \(syntax.output)")
            let text = try String(contentsOfFile: script, encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("> \"$") && !line.hasPrefix("#") {
                #expect(line.contains("> \"$PARTIAL/"), "\(id)/backup.sh writes outside its partial directory: \(line)")
            }
            // The block for this app (by its directory), if the app keeps data.
            guard let start = readme.range(of: "```sh\n(\nset -euo pipefail\ncd \(out.path)/\(id)\n") else { continue }
            let end = try #require(readme[start.upperBound...].range(of: "\n```"))
            let block = readme[start.lowerBound..<end.lowerBound].dropFirst("```sh\n".count)
            let syntaxB = try shell.bash("set -n\n" + block)
            #expect(syntaxB.status == 0, "\(id) restore block: \(syntaxB.output)")
            var started: Set<String> = []
            for line in block.split(separator: "\n").map(String.init) {
                let words = line.split(separator: " ").map(String.init)
                if line.hasPrefix("docker compose up -d --wait "), let s = words.last { started.insert(s) }
                if line.hasPrefix("docker compose stop ") || line.hasPrefix("docker compose cp ") { continue }
                if let i = words.firstIndex(of: "exec"), i + 2 < words.count, words[i + 1] == "-T" {
                    #expect(started.contains(words[i + 2]), "\(id): `\(line)` before `docker compose up -d --wait \(words[i + 2])`")
                }
            }
            blocks += 1
        }
        #expect(blocks >= 20, "only \(blocks) restore blocks found")
    }

    @Test("Caddy has its own Compose project name, selfhost-caddy, in caddy/.env (0600)")
    func caddyProject() throws {
        let dir = try TestSupport.tempDirectory("render-caddy-project")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        try RenderTestSupport.render(["umami"], out: out, store: try RenderTestSupport.fixtureStore())
        let env = out.appendingPathComponent("caddy/.env")
        #expect(RenderEnvFile.values(in: try String(contentsOf: env, encoding: .utf8))["COMPOSE_PROJECT_NAME"] == "selfhost-caddy")
        let mode = (try FileManager.default.attributesOfItem(atPath: env.path)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
    }

    @Test("reload joins only the web networks Caddy is not on (creating a missing one), then reloads; not running is an error")
    func reload() throws {
        let box = try Sandbox("caddy-reload")
        defer { try? FileManager.default.removeItem(at: box.dir) }
        let out = box.dir.appendingPathComponent("box")
        // Rendered with the stand-in as the box's docker: reload.sh calls the path the units use.
        let (ctx, _, _) = TestSupport.context(cwd: box.dir, env: ["PATH": "/usr/bin:/bin"])
        _ = try RenderCommand.run(.init(apps: ["umami", "gitea"], domain: "example.com", out: out.path,
                                        docker: box.bin.appendingPathComponent("docker").path),
                                  store: try RenderTestSupport.fixtureStore(), context: ctx)
        let unit = try String(contentsOf: out.appendingPathComponent("systemd/selfhost-caddy.service"), encoding: .utf8)
        #expect(unit.contains("ExecReload=\(out.path)/caddy/reload.sh\n"))
        let script = out.appendingPathComponent("caddy/reload.sh").path
        #expect((try FileManager.default.attributesOfItem(atPath: script)[.posixPermissions] as? NSNumber)?.intValue == 0o755)
        let subnets = try #require(try RenderManifest.read(in: out)?.subnets)
        let gitea = try #require(subnets["gitea"])

        // Caddy runs on umami's network; gitea's was never created.
        let r = try box.bash("exec \(script)", env: ["FAKE_CADDY_ID": "c0ffee", "FAKE_JOINED": "selfhost_umami_web", "FAKE_MISSING": "selfhost_gitea_web"])
        #expect(r.status == 0, "\(r.output)")
        let calls = box.calls()
        #expect(calls.contains("network create --subnet \(gitea) selfhost_gitea_web"), "\(calls)")
        #expect(calls.contains("network connect selfhost_gitea_web c0ffee"))
        #expect(!calls.contains { $0.hasPrefix("network connect selfhost_umami_web") }, "connected twice: \(calls)")
        #expect(!calls.contains { $0.contains("network create") && $0.contains("umami") })
        #expect(calls.last == "compose exec -T caddy caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile", "\(calls)")
        #expect(!calls.contains { $0.hasPrefix("compose up") || $0.hasPrefix("compose restart") || $0.hasPrefix("compose down") }, "no restart")

        // A stale endpoint of Caddy's name on a network Caddy isn't on (left by a container removed with
        // --force): Caddy is renamed for a moment, the endpoint forced out by that name, the name given back.
        try? FileManager.default.removeItem(atPath: box.log)
        let stale = try box.bash("exec \(script)", env: ["FAKE_CADDY_ID": "c0ffee", "FAKE_JOINED": "selfhost_umami_web", "FAKE_STALE": "selfhost_gitea_web"])
        #expect(stale.status == 0 && stale.output.contains("stale endpoint named selfhost-caddy-caddy-1"), "\(stale.output)")
        let s = box.calls()
        func index(_ prefix: String) -> Int? { s.firstIndex { $0.hasPrefix(prefix) } }
        let away = try #require(index("rename c0ffee selfhost-caddy-caddy-1-reload-"), "\(s)")
        let forced = try #require(index("network disconnect --force selfhost_gitea_web selfhost-caddy-caddy-1"), "\(s)")
        let back = try #require(s.firstIndex(of: "rename c0ffee selfhost-caddy-caddy-1"), "\(s)")
        let joined = try #require(s.lastIndex(of: "network connect selfhost_gitea_web c0ffee"), "\(s)")
        #expect(away < forced && forced < back && back < joined, "\(s)")
        #expect(s.last == "compose exec -T caddy caddy reload --config /etc/caddy/Caddyfile --adapter caddyfile", "\(s)")
        #expect(!s.contains { $0.hasPrefix("network connect selfhost_umami_web") }, "\(s)")

        // Any other failure to connect stops the reload, with the engine's message.
        try? FileManager.default.removeItem(atPath: box.log)
        let failing = try box.bash("exec \(script)", env: ["FAKE_CADDY_ID": "c0ffee", "FAKE_JOINED": "selfhost_umami_web",
                                                           "FAKE_CONNECT_ERROR": "Error response from daemon: no space left"])
        #expect(failing.status != 0 && failing.output.contains("no space left"), "\(failing.output)")
        #expect(!box.calls().contains { $0.contains("rename") || $0.contains("caddy reload") }, "\(box.calls())")

        try? FileManager.default.removeItem(atPath: box.log)
        let stopped = try box.bash("exec \(script)", env: ["FAKE_CADDY_ID": ""])
        #expect(stopped.status == 1 && stopped.output.contains("Caddy is not running"), "\(stopped.output)")
        #expect(!box.calls().contains { $0.contains("caddy reload") })
    }

    @Test("listmonk and gitea have healthchecks on their web service, on the app's own port, with a tool the image has")
    func healthchecks() throws {
        let dir = try TestSupport.tempDirectory("render-healthchecks")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        try RenderTestSupport.render(["listmonk", "gitea"], out: out)
        for (id, tool, path) in [("listmonk", "wget", "/health"), ("gitea", "curl", "/api/healthz")] {
            let yaml = try String(contentsOf: out.appendingPathComponent("\(id)/compose.yaml"), encoding: .utf8)
            let app = try #require(try Yams.compose(yaml: yaml)?.mapping?["services"]?.mapping?["app"]?.mapping)
            let test = app["healthcheck"]?.mapping?["test"]?.sequence?.compactMap(\.string) ?? []
            let port = try #require(TestSupport.catalog.apps.first { $0.id == id }?.port)
            #expect(test.first == "CMD" && test.dropFirst().first == tool, "\(id): \(test)")
            #expect(test.last == "http://127.0.0.1:\(port)\(path)", "\(id): \(test)")
        }
    }
}
