import Foundation
import Testing
@testable import SelfhostKit

/// `--with-external` against the real validators (Debian: caddy, systemd, docker-compose).
/// A missing tool fails the test when CI is set and skips it otherwise.
@Suite("Lint external validators", .serialized)
struct LintExternalTests {
    static func have(_ tool: String, package: String) -> Bool {
        if LintFixtures.requireTool(tool) != nil { return true }
        if LintFixtures.inCI { Issue.record("\(tool) is not on PATH; install it with `apt-get install -y \(package)`") }
        return false
    }

    @Test("absent tools are reported as skipped, never as findings")
    func absentTools() throws {
        let p = try ScratchProject(["compose.yaml": "services:\n  a:\n    image: nginx:1.27\n", "Caddyfile": "example.com {\n\trespond ok\n}\n", "a.service": "[Service]\nExecStart=/bin/true\n"])
        let empty = p.root.appendingPathComponent("empty-bin")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let ctx = p.context(env: ["PATH": empty.path])
        let report = try LintEngine.lint(paths: ["."], context: ctx, withExternal: true)
        #expect(report.external.count == 3)
        #expect(report.external.allSatisfy { $0.status == "skipped" })
        #expect(report.findings.allSatisfy { !($0.ruleID ?? "").hasPrefix("external.") })
        let out = BufferSink(), err = BufferSink()
        var options = LintCommand.Options()
        options.withExternal = true
        options.failOn = .error
        let status = try LintCommand.run(options, context: p.context(out, err, env: ["PATH": empty.path]))
        #expect(status == .success)
        #expect(out.text.contains("skipped: caddy: caddy is not on PATH"))
    }

    @Test("caddy validate: a bad directive maps to its line; the production Caddyfile passes with its .env")
    func caddy() throws {
        guard Self.have("caddy", package: "caddy") else { return }
        let p = try ScratchProject(["Caddyfile": "example.com {\n\trespond ok\n\treverse_prxy app:80\n}\n"])
        let f = try #require(try p.lint(external: true).findings("external.caddy").first)
        #expect(f.location?.line == 3)
        #expect(f.message.contains("reverse_prxy"))
        let prod = try LintCrossFileTests.production()
        let report = try prod.lint(external: true)
        #expect(report.external.contains { $0.tool == "caddy" && $0.status == "ran" })
        #expect(report.findings.filter { ($0.ruleID ?? "").hasPrefix("external.") }.isEmpty, "\(report.findings.map(\.compilerStyle))")
    }

    @Test("systemd-analyze verify: ignored lines become warnings at their line; a missing binary is an error")
    func systemd() throws {
        guard Self.have("systemd-analyze", package: "systemd") else { return }
        let p = try ScratchProject(["app.service": "[Unit]\nDescription=x\n[Service]\nExecStart=/usr/bin/true\nProtectSystem=stricct\n"])
        let report = try p.lint(external: true)
        let ext = try #require(report.findings("external.systemd-analyze").first)
        #expect(ext.location?.line == 5 && ext.severity == .warning)
        #expect(report.findings("systemd.bad-value").first?.location?.line == 5, "our own rule makes it an error")
        let q = try ScratchProject(["b.service": "[Service]\nExecStart=/nonexistent/bin/app\n"])
        #expect(try q.lint(external: true).findings("external.systemd-analyze").contains { $0.severity == .error })
    }

    @Test("docker compose config: an unknown key is an error; the production files pass (top-level name: too)")
    func compose() throws {
        guard Self.have("docker-compose", package: "docker-compose") else { return }
        let p = try ScratchProject(["compose.yaml": "services:\n  a:\n    image: nginx:1.27\n    restat: always\n"])
        let f = try #require(try p.lint(external: true).findings("external.compose").first)
        #expect(f.severity == .error && f.message.contains("restat"))
        let prod = try LintCrossFileTests.production()
        let report = try prod.lint(external: true)
        #expect(report.findings.filter { ($0.ruleID ?? "").hasPrefix("external.") }.isEmpty, "\(report.findings.map(\.compilerStyle))")
    }
}
