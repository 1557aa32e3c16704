import Foundation
import Testing
import Yams
@testable import SelfhostKit

/// `render --target swarm`: stack files derived from the rendered compose files.
@Suite("Render: --target swarm")
struct RenderSwarmTests {
    static func render(_ apps: [String], dir: URL, target: RenderTarget? = .swarm) throws -> URL {
        let out = dir.appendingPathComponent("box")
        let (ctx, _, err) = TestSupport.context(cwd: dir, env: ["PATH": "/usr/bin:/bin"])
        let status = try RenderCommand.run(.init(apps: apps, domain: "example.com", email: "ops@example.com", out: out.path,
                                                 docker: "/usr/bin/docker", target: target), store: .embedded, context: ctx)
        #expect(status == .success, "\(err.text)")
        return out
    }

    static func yaml(_ url: URL) throws -> [String: Any] {
        try #require(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
    }

    @Test("every renderable app: a stack file with deploy keys, data services pinned, no compose-only keys; lint finds nothing")
    func everyApp() throws {
        let dir = try TestSupport.tempDirectory("render-swarm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let apps = RenderTestSupport.renderableApps
        let out = try Self.render(apps, dir: dir)
        for id in apps {
            let root = try Self.yaml(out.appendingPathComponent("swarm/\(id).stack.yaml"))
            #expect(root["version"].s == "3.8", "\(id)")
            let volumes = Set((root["volumes"].m ?? [:]).keys)
            for (key, value) in try #require(root["services"].m) {
                let name = "\(id)/\(key)"
                let svc = try #require((value as Any?).m)
                for dropped in ["restart", "mem_limit", "depends_on", "security_opt"] {
                    #expect(svc[dropped] == nil, "\(name) keeps \(dropped)")
                }
                let deploy = try #require(svc["deploy"].m, "\(name) has no deploy:")
                #expect(deploy["restart_policy"].m?["condition"] != nil, "\(name)")
                #expect(deploy["rollback_config"] != nil, "\(name)")
                #expect(deploy["resources"].m?["limits"].m?["memory"].s?.hasSuffix("M") == true, "\(name)")
                #expect(deploy["endpoint_mode"].s == "dnsrr", "\(name)")
                let order = deploy["update_config"].m?["order"].s
                let mountsVolume = (svc["volumes"].l ?? []).contains { volumes.contains(String(($0 as Any?).s?.split(separator: ":").first ?? "")) }
                let constraints = deploy["placement"].m?["constraints"].l?.compactMap { ($0 as Any?).s } ?? []
                let replicas = Int(deploy["replicas"].s ?? "1") ?? 1
                if mountsVolume {
                    #expect(constraints == ["node.labels.selfhost.data.\(id) == true"], "\(name): \(constraints)")
                    #expect(replicas == 1 && order == "stop-first", "\(name): \(replicas) \(order ?? "-")")
                }
                if replicas > 1 {
                    #expect(!mountsVolume && order == "start-first", "\(name)")
                    #expect(deploy["placement"].m?["max_replicas_per_node"].s == "1", "\(name)")
                }
                for port in svc["ports"].l ?? [] {
                    #expect((port as Any?).m?["mode"].s == "host", "\(name): \(port)")
                }
            }
            for (key, net) in root["networks"].m ?? [:] {
                let n = try #require((net as Any?).m)
                if n["external"] == nil {
                    #expect(n["driver"].s == "overlay" && n["driver_opts"].m?["encrypted"] != nil, "\(id) network \(key)")
                }
            }
        }
        // At least one app is replicated (umami's web service), and the stack files lint clean.
        let umami = try Self.yaml(out.appendingPathComponent("swarm/umami.stack.yaml"))
        #expect(umami["services"].m?["app"].m?["deploy"].m?["replicas"].s == "2")
        let (ctx, _, _) = TestSupport.context(cwd: dir, env: ["PATH": "/usr/bin:/bin"])
        let report = try LintEngine.lint(paths: [out.path], context: ctx)
        let serious = report.findings.filter { $0.severity >= .warning }
        #expect(serious.isEmpty, "\(serious.map(\.compilerStyle).joined(separator: "\n"))")
        #expect(report.files.contains { $0.path.hasSuffix(".stack.yaml") }, "lint did not read the stack files")
    }

    @Test("Caddy: one task on the edge node, host-mode 80/443, its volumes pinned; the swarm Caddyfile is valid Caddy")
    func caddy() throws {
        let dir = try TestSupport.tempDirectory("render-swarm-caddy")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try Self.render(["umami", "listmonk"], dir: dir)
        let root = try Self.yaml(out.appendingPathComponent("swarm/caddy.stack.yaml"))
        let caddy = try #require(root["services"].m?["caddy"].m)
        let deploy = try #require(caddy["deploy"].m)
        #expect(deploy["replicas"].s == "1")
        #expect(deploy["placement"].m?["constraints"].l?.compactMap { ($0 as Any?).s } == ["node.labels.selfhost.edge == true"])
        #expect(deploy["update_config"].m?["order"].s == "stop-first")
        let ports = (caddy["ports"].l ?? []).map { p -> String in let m = (p as Any?).m ?? [:]; return "\(m["published"].s ?? "")/\(m["protocol"].s ?? "")/\(m["mode"].s ?? "")" }
        #expect(ports == ["80/tcp/host", "443/tcp/host", "443/udp/host"])
        #expect((caddy["configs"].l?.first).m?["target"].s == "/etc/caddy/Caddyfile")
        let caddyfile = try String(contentsOf: out.appendingPathComponent("swarm/Caddyfile"), encoding: .utf8)
        #expect(caddyfile.contains("dynamic a umami-web 3000"))
        #expect(caddyfile.contains("lb_try_duration"))
        // The single box's Caddyfile is untouched by the swarm's.
        #expect(!(try String(contentsOf: out.appendingPathComponent("caddy/Caddyfile"), encoding: .utf8)).contains("dynamic"))
        if let bin = RenderTestSupport.tool("caddy", package: "caddy") {
            let r = try RenderTestSupport.run(bin, ["validate", "--adapter", "caddyfile", "--config", out.appendingPathComponent("swarm/Caddyfile").path])
            #expect(r.status == 0, "\(r.output)")
        }
        // The labels the README asks for are the ones lint checks placement constraints against.
        let lintConfig = try String(contentsOf: out.appendingPathComponent(".selfhost-lint.yaml"), encoding: .utf8)
        #expect(lintConfig.contains("swarm_node_labels: [selfhost.edge, selfhost.data.listmonk, selfhost.data.umami]"))
    }

    @Test("secrets: _FILE where the image reads it, a 0600 file equal to .env's value, never rotated; the rest stays in the environment")
    func secrets() throws {
        let dir = try TestSupport.tempDirectory("render-swarm-secrets")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try Self.render(["umami"], dir: dir)
        let root = try Self.yaml(out.appendingPathComponent("swarm/umami.stack.yaml"))
        let db = try #require(root["services"].m?["db"].m)
        #expect(db["environment"].m?["POSTGRES_PASSWORD_FILE"].s == "/run/secrets/postgres_password")
        #expect(db["environment"].m?["POSTGRES_PASSWORD"] == nil)
        #expect(root["secrets"].m?["postgres_password"].m?["file"].s == "./secrets/umami/POSTGRES_PASSWORD")
        // Umami's image reads the password only inside DATABASE_URL: environment, listed in the README.
        let app = try #require(root["services"].m?["app"].m)
        #expect(app["environment"].m?["DATABASE_URL"].s?.contains("${POSTGRES_PASSWORD}") == true)
        let readme = try String(contentsOf: out.appendingPathComponent("swarm/README.md"), encoding: .utf8)
        #expect(readme.contains("`app: POSTGRES_PASSWORD`"))

        let secretURL = out.appendingPathComponent("swarm/secrets/umami/POSTGRES_PASSWORD")
        let envText = try String(contentsOf: out.appendingPathComponent("umami/.env"), encoding: .utf8)
        let value = try #require(RenderEnvFile.values(in: envText)["POSTGRES_PASSWORD"])
        #expect(try String(contentsOf: secretURL, encoding: .utf8) == value)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: secretURL.path)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o600)
        #expect((try String(contentsOf: out.appendingPathComponent(".gitignore"), encoding: .utf8)).contains("/swarm/secrets/"))

        // A later render (the target remembered) neither rewrites nor rotates it, even when .env changed.
        try envText.replacingOccurrences(of: "POSTGRES_PASSWORD=\(value)", with: "POSTGRES_PASSWORD=changed-by-hand")
            .write(to: out.appendingPathComponent("umami/.env"), atomically: true, encoding: .utf8)
        _ = try Self.render(["umami"], dir: dir, target: nil)
        #expect(try String(contentsOf: secretURL, encoding: .utf8) == value)
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("swarm/umami.stack.yaml").path))
    }

    @Test("the compose target writes no swarm/ and its files don't change")
    func composeUntouched() throws {
        let dir = try TestSupport.tempDirectory("render-swarm-compose")
        defer { try? FileManager.default.removeItem(at: dir) }
        let compose = try Self.render(["umami"], dir: dir.appendingPathComponent("a"), target: nil)
        let swarm = try Self.render(["umami"], dir: dir.appendingPathComponent("b"))
        #expect(!FileManager.default.fileExists(atPath: compose.appendingPathComponent("swarm").path))
        for path in ["umami/compose.yaml", "umami/backup.sh", "caddy/compose.yaml", "systemd/selfhost-umami.service"] {
            let a = try String(contentsOf: compose.appendingPathComponent(path), encoding: .utf8)
            let b = try String(contentsOf: swarm.appendingPathComponent(path), encoding: .utf8)
            #expect(a.replacingOccurrences(of: compose.path, with: "") == b.replacingOccurrences(of: swarm.path, with: ""), "\(path)")
        }
    }

    @Test("stack files pass the real Compose 3.8 schema (docker-compose 1.29 config), deploy.sh passes sh -n")
    func validators() throws {
        let dir = try TestSupport.tempDirectory("render-swarm-validate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let apps = RenderTestSupport.renderableApps
        let out = try Self.render(apps, dir: dir)
        let sh = try RenderTestSupport.run("/bin/sh", ["-n", out.appendingPathComponent("swarm/deploy.sh").path])
        #expect(sh.status == 0, "\(sh.output)")
        guard let compose = RenderTestSupport.tool("docker-compose", package: "docker-compose") else { return }
        for id in apps + ["caddy"] {
            var env = id == "caddy" ? [:] : RenderEnvFile.values(in: try String(contentsOf: out.appendingPathComponent("\(id)/.env"), encoding: .utf8))
            env["SELFHOST_CADDYFILE_HASH"] = "0123456789ab"
            let text = try String(contentsOf: out.appendingPathComponent("swarm/\(id).stack.yaml"), encoding: .utf8)
            for name in RenderBox.interpolatedVariables(text) where env[name] == nil { env[name] = "x" }
            let r = try RenderTestSupport.run(compose, ["-f", "\(id).stack.yaml", "config", "-q"], cwd: out.appendingPathComponent("swarm"), env: env)
            #expect(r.status == 0, "\(id): \(r.output)")
        }
    }
}

/// Loose accessors over `Yams.load`'s values (scalars come back as String, Int or Bool).
private extension Optional where Wrapped == Any {
    var m: [String: Any]? { self as? [String: Any] }
    var l: [Any]? { self as? [Any] }
    var s: String? {
        switch self {
        case let v as String: return v
        case let v as Int: return String(v)
        case let v as Bool: return String(v)
        case let v as Double: return String(v)
        default: return nil
        }
    }
}
