import Foundation
import Testing
@testable import SelfhostKit

@Suite("Lint command: exit codes, suppressions, settings")
struct LintCommandTests {
    static let warnOnly = "services:\n  app:\n    image: nginx\n    restart: unless-stopped\n    mem_limit: 64m\n    security_opt: [\"no-new-privileges:true\"]\n    logging: {driver: local}\n"

    @Test("exit 0 clean, 1 at or above --fail-on, 0 below it")
    func exitCodes() throws {
        let p = try ScratchProject(["compose.yaml": Self.warnOnly])
        #expect(try p.run().0 == .problems)
        #expect(try p.run { $0.failOn = .error }.0 == .success)
        try p.write(ExampleFile("compose.yaml", Self.warnOnly.replacingOccurrences(of: "image: nginx\n", with: "image: nginx:1.27\n")))
        let (status, out, _) = try p.run()
        #expect(status == .success, "\(out)")
        #expect(out.contains("no problems"))
    }

    @Test("exit 2 for a missing path, an unknown rule in settings, a malformed settings file")
    func usageErrors() throws {
        let p = try ScratchProject(["compose.yaml": Self.warnOnly])
        do { _ = try p.run { $0.paths = ["nope/"] }; Issue.record("expected an error") } catch let e as SelfhostError { #expect(e.status == .usage) }
        try p.write(ExampleFile(".selfhost-lint.yaml", "disable: [compose.image-tagg]\n"))
        do { _ = try p.run(); Issue.record("expected an error") } catch let e as SelfhostError {
            #expect(e.status == .usage)
            #expect(e.location?.line == 1 && e.location?.column == 11)
            #expect(e.remedy?.contains("compose.image-tag") == true)
        }
        try p.write(ExampleFile(".selfhost-lint.yaml", "disabel: []\n"))
        do { _ = try p.run(); Issue.record("expected an error") } catch let e as SelfhostError { #expect(e.remedy?.contains("disable") == true) }
    }

    @Test("inline disable on the line, on the line before, and for the file")
    func inlineDisable() throws {
        let p = try ScratchProject(["compose.yaml": Self.warnOnly.replacingOccurrences(of: "image: nginx\n", with: "image: nginx # selfhost-lint disable=compose.image-tag\n")])
        #expect(try p.lint().findings("compose.image-tag").isEmpty)
        try p.write(ExampleFile("compose.yaml", Self.warnOnly.replacingOccurrences(of: "    image: nginx\n", with: "    # selfhost-lint disable=compose.image-tag,compose.privileged\n    image: nginx\n")))
        #expect(try p.lint().findings("compose.image-tag").isEmpty)
        try p.write(ExampleFile("compose.yaml", "# selfhost-lint disable-file=compose.image-tag\n" + Self.warnOnly))
        #expect(try p.lint().findings("compose.image-tag").isEmpty)
        try p.write(ExampleFile("compose.yaml", "# selfhost-lint disable=compose.restart\n" + Self.warnOnly))
        #expect(try p.lint().findings("compose.image-tag").count == 1, "other rules and other lines are untouched")
        try p.write(ExampleFile("app.service", "[Service]\nExecStart=/usr/bin/app\n# selfhost-lint disable=systemd.unknown-key\nMyKey=1\nOtherKey=2\n"))
        let units = try p.lint().findings("systemd.unknown-key")
        #expect(units.count == 1 && units.first?.location?.line == 5)
    }

    @Test(".selfhost-lint.yaml: disable, severity override, env, exclude, public_ports")
    func settings() throws {
        let p = try ScratchProject([
            "compose.yaml": Self.warnOnly + "    ports: [\"25:25\"]\n",
            "vendor/compose.yaml": "services:\n  x:\n    privileged: true\n",
            "Caddyfile": "{$SITE} {\n\trespond ok\n}\n",
            ".selfhost-lint.yaml": "disable: [compose.mem-limit]\nseverity:\n  compose.image-tag: error\n  compose.restart: off\nenv: [SITE]\nexclude: [\"vendor/\"]\npublic_ports: [25]\n",
        ])
        let report = try p.lint()
        #expect(report.findings("compose.image-tag").first?.severity == .error)
        #expect(report.findings("compose.unbound-port").isEmpty)
        #expect(report.findings("caddy.empty-address").isEmpty)
        #expect(!report.files.contains { $0.path.hasPrefix("vendor/") })
        #expect(!report.rules.contains { $0.id == "compose.mem-limit" || $0.id == "compose.restart" })
    }

    @Test("files named explicitly are linted; unknown names are skipped with a reason")
    func explicitFiles() throws {
        let p = try ScratchProject(["stack.yml": "services:\n  a:\n    image: x\n", "notes.txt": "hi\n"])
        let report = try p.lint(["stack.yml", "notes.txt"])
        #expect(report.files.map(\.path) == ["stack.yml"])
        #expect(report.skipped.map(\.file) == ["notes.txt"])
    }
}
