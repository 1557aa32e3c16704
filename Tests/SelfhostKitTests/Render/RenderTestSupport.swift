import Foundation
import Testing
@testable import SelfhostKit

/// Shared helpers for the render tests: stores, rendering into a temp dir, the real validators.
enum RenderTestSupport {
    static let fixtureCatalog = TestSupport.fixtures.appendingPathComponent("render/catalog")
    static let goldenDirectory = TestSupport.fixtures.appendingPathComponent("render/golden")

    /// The shipped templates with only the fixture apps (umami, gitea, discourse): stable output for golden files.
    static func fixtureStore() throws -> ResourceStore {
        let base = ResourceStore(files: ResourceStore.embedded.files.filter {
            !$0.key.hasPrefix("catalog/apps/") && !$0.key.hasPrefix("catalog/saas/")
        })
        return try base.overlaying(catalogDirectory: fixtureCatalog)
    }

    /// Every renderable app of the shipped catalog.
    static var renderableApps: [String] {
        TestSupport.catalog.apps.filter(\.isRenderable).map(\.id)
    }

    /// A docker stand-in for `systemd-analyze verify`, which needs ExecStart's binary to exist.
    static let docker = "/usr/bin/true"

    @discardableResult
    static func render(_ apps: [String], out: URL, store: ResourceStore = .embedded, domain: String? = "example.com",
                       hosts: [String] = [], email: String? = nil, force: Bool = false, dryRun: Bool = false,
                       open: Bool = false, format: OutputFormat = .text) throws -> (SelfhostKit.ExitStatus, String, String) {
        let (ctx, stdout, stderr) = TestSupport.context(cwd: out.deletingLastPathComponent(), env: ["PATH": "/usr/bin:/bin"])
        let options = RenderCommand.Options(apps: apps, domain: domain, hosts: hosts, email: email, out: out.path,
                                            docker: docker, dryRun: dryRun, force: force, open: open, format: format)
        let status = try RenderCommand.run(options, store: store, context: ctx)
        return (status, stdout.text, stderr.text)
    }

    /// Every file under `dir`, relative path → contents.
    static func snapshot(_ dir: URL) -> [String: String] {
        var out: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil) else { return out }
        for case let url as URL in walker {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else { continue }
            let rel = String(url.standardizedFileURL.path.dropFirst(dir.standardizedFileURL.path.count + 1))
            out[rel] = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        }
        return out
    }

    // MARK: real validators

    /// The tool's path, or nil. When missing: a test failure under CI, a skip otherwise.
    static func tool(_ name: String, package: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        if let ci = ProcessInfo.processInfo.environment["CI"], !ci.isEmpty, ci != "false" {
            Issue.record("\(name) is not installed: CI must run the real validator (apt-get install -y \(package))")
        } else {
            print("note: skipping the \(name) check: not installed (apt-get install -y \(package))")
        }
        return nil
    }

    struct Result { var status: Int32; var output: String }

    static func run(_ path: String, _ args: [String], cwd: URL? = nil, env: [String: String] = [:]) throws -> Result {
        let environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "XDG_DATA_HOME": NSTemporaryDirectory(), "XDG_CONFIG_HOME": NSTemporaryDirectory()]
            .merging(env) { _, new in new }
        let r = ProcessRunner.run(ProcessRequest(path, args, environment: environment, workingDirectory: cwd, timeout: 300, output: .merged))
        return Result(status: r.launchFailure == nil ? r.status : 127, output: r.launchFailure ?? r.stdoutText)
    }

    /// `caddy validate` and `caddy fmt` on the box's Caddyfile (the real Caddy). One message per failure.
    static func validateCaddyfile(_ out: URL) throws -> [String] {
        var failures: [String] = []
        if let caddy = tool("caddy", package: "caddy") {
            let file = out.appendingPathComponent("caddy/Caddyfile")
            let r = try run(caddy, ["validate", "--adapter", "caddyfile", "--config", file.path])
            if r.status != 0 { failures.append("caddy validate: exit \(r.status)\n\(r.output)") }
            // Formatted exactly as `caddy fmt` would.
            let f = try run(caddy, ["fmt", file.path])
            let ours = try String(contentsOf: file, encoding: .utf8)
            if f.status != 0 || f.output != ours { failures.append("caddy fmt would change caddy/Caddyfile:\n\(f.output)") }
        }
        return failures
    }

    /// Runs docker-compose config, caddy validate + fmt, and systemd-analyze verify on a rendered box.
    /// Returns one message per failure.
    static func validateBox(_ out: URL) throws -> [String] {
        var failures: [String] = []
        let fm = FileManager.default
        let dirs = try fm.contentsOfDirectory(atPath: out.path).sorted()
        if let compose = tool("docker-compose", package: "docker-compose") {
            for d in dirs where fm.fileExists(atPath: out.appendingPathComponent("\(d)/compose.yaml").path) {
                let dir = out.appendingPathComponent(d)
                let r = try run(compose, ["--project-directory", dir.path, "-f", dir.appendingPathComponent("compose.yaml").path, "config", "-q"], cwd: dir)
                // An unset ${VAR} only warns ("The X variable is not set"): count it as a failure.
                if r.status != 0 || r.output.contains("is not set") || r.output.contains("WARNING") {
                    failures.append("docker-compose config \(d)/compose.yaml: exit \(r.status)\n\(r.output)")
                }
            }
        }
        failures += try validateCaddyfile(out)
        if let analyze = tool("systemd-analyze", package: "systemd") {
            let sd = out.appendingPathComponent("systemd")
            let units = try fm.contentsOfDirectory(atPath: sd.path).filter { $0.hasSuffix(".service") || $0.hasSuffix(".timer") }.sorted()
            // The units require docker.service. A machine without the Docker engine's package has no
            // such unit, so a stand-in goes first on the unit path: what is verified is our units.
            let stub = fm.temporaryDirectory.appendingPathComponent("selfhost-units-\(UUID().uuidString)")
            try fm.createDirectory(at: stub, withIntermediateDirectories: true)
            defer { try? fm.removeItem(at: stub) }
            try "[Unit]\nDescription=Stand-in for the Docker engine's unit\n\n[Service]\nExecStart=/bin/true\n"
                .write(to: stub.appendingPathComponent("docker.service"), atomically: true, encoding: .utf8)
            let r = try run(analyze, ["verify"] + units, cwd: sd, env: ["SYSTEMD_UNIT_PATH": stub.path + ":"])
            // verify exits 0 on unknown keys ("…, ignoring"): treat any such message as a failure too.
            if r.status != 0 || r.output.contains("ignoring") || r.output.contains("Unknown") {
                failures.append("systemd-analyze verify: exit \(r.status)\n\(r.output)")
            }
        }
        return failures
    }
}
