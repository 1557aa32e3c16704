import Foundation
import Testing
@testable import SelfhostKit

/// Input meant to crash or hang a linter: each gets a located error or is skipped with a reason.
@Suite("Lint hostile input")
struct LintHostileInputTests {
    @Test("a binary file named like a compose file is skipped with a reason")
    func binary() throws {
        let p = try ScratchProject([ExampleFile("compose.yaml", bytes: Array(repeating: [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01], count: 200).flatMap { $0 })])
        let report = try p.lint()
        #expect(report.skipped.count == 1)
        #expect(report.skipped.first?.reason.contains("binary") == true)
        #expect(report.findings.isEmpty)
    }

    @Test("invalid UTF-8 is a located error at the first bad byte")
    func invalidUTF8() throws {
        let bytes = Array("services:\n  app:\n    image: caf".utf8) + [0xE9] + Array(":1.0\n".utf8)
        let p = try ScratchProject([ExampleFile("compose.yaml", bytes: bytes)])
        let (status, out, _) = try p.run()
        #expect(status == .usage)
        #expect(out.contains("compose.yaml:3:15: error: file is not valid UTF-8"))
    }

    @Test("a 10 MB YAML file is skipped with a reason, without reading it into the parser")
    func tenMegabytes() throws {
        var text = "services:\n"
        var i = 0
        while text.utf8.count < 10 * 1024 * 1024 {
            text += "  svc\(i):\n    image: ghcr.io/example/app:1.\(i)\n    environment: {A: \"\(String(repeating: "x", count: 200))\"}\n"
            i += 1
        }
        let p = try ScratchProject([ExampleFile("big.compose.yaml", text)])
        let report = try p.lint()
        #expect(report.skipped.first?.reason.contains("limit") == true)
        #expect(report.files.isEmpty)
    }

    @Test("a large but legal compose file (about 3 MB) is linted with real positions")
    func largeLegal() throws {
        var text = "services:\n"
        for i in 0..<12_000 {
            text += "  svc\(i):\n    image: ghcr.io/example/app:1.\(i)\n    privileged: \(i == 11_999 ? "true" : "false")\n    environment: {A: \"\(String(repeating: "x", count: 150))\"}\n"
        }
        #expect(text.utf8.count < LintDiscovery.maxFileSize)
        let p = try ScratchProject([ExampleFile("compose.yaml", text)])
        let report = try p.lint()
        let hit = try #require(report.findings("compose.privileged").first)
        #expect(hit.location?.line == 2 + 11_999 * 4 + 2)
        #expect(hit.location?.column == 17)
    }

    @Test("billion laughs in a compose file ends as compose.syntax with a position")
    func billionLaughs() throws {
        var lines = ["x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        for i in 1..<12 { lines.append("x-\(i): &l\(i) [" + Array(repeating: i == 1 ? "*a" : "*l\(i - 1)", count: 9).joined(separator: ",") + "]") }
        lines.append("services:\n  app:\n    image: nginx:1.27\n    command: *l11")
        let p = try ScratchProject([ExampleFile("compose.yaml", lines.joined(separator: "\n"))])
        let report = try p.lint()
        let f = try #require(report.findings("compose.syntax").first)
        #expect(f.message.contains("alias bomb"))
        #expect((f.location?.line ?? 0) > 1)
    }

    @Test("deeply nested YAML ends as a located compose.syntax error")
    func deepYAML() throws {
        let p = try ScratchProject([ExampleFile("compose.yaml", "services:\n  app:\n    x-deep: " + String(repeating: "{a: ", count: 50_000) + "1" + String(repeating: "}", count: 50_000) + "\n")])
        let report = try p.lint()
        let f = try #require(report.findings("compose.syntax").first)
        #expect(f.location?.line == 3)
    }

    @Test("a Caddyfile with unbalanced braces is a located error, and cross-file rules skip it")
    func unbalancedCaddyfile() throws {
        let p = try ScratchProject(["Caddyfile": "example.com {\n\treverse_proxy app:3000\n\thandle {\n\t\trespond ok\n", "compose.yaml": "services:\n  app:\n    image: nginx:1.27\n"])
        let report = try p.lint()
        let f = try #require(report.findings("caddy.syntax").first)
        #expect(f.location?.line == 3 && f.location?.column == 9)
        #expect(report.findings("caddy.upstream-service").isEmpty)
    }

    @Test("a Caddyfile of 100000 nested blocks parses or fails without overflowing the stack")
    func deepCaddyfile() throws {
        let depth = 100_000
        let p = try ScratchProject(["Caddyfile": "example.com {\n" + String(repeating: "route {\n", count: depth) + String(repeating: "}\n", count: depth)])
        let report = try p.lint()
        #expect(report.findings("caddy.syntax").first?.message.contains("nested deeper") == true)
    }

    @Test("a multi-megabyte key, directive or unit key stays fast (no quadratic did-you-mean)")
    func hugeNames() throws {
        let huge = String(repeating: "x", count: 3_000_000)
        let p = try ScratchProject([
            "compose.yaml": "services:\n  app:\n    image: nginx:1.27\n    \(huge): 1\n",
            "Caddyfile": "example.com {\n\t\(huge)\n}\n",
            "a.service": "[Service]\nExecStart=/bin/true\n\(huge)=1\n",
        ])
        let report = try p.lint()
        // libyaml refuses simple keys over 1024 characters: a located syntax error.
        #expect(report.findings("compose.schema").count + report.findings("compose.syntax").count == 1)
        #expect(report.findings("caddy.unknown-directive").count == 1)
        #expect(report.findings.allSatisfy { $0.message.count < 400 })
        #expect(report.findings("systemd.unknown-key").count == 1)
    }

    @Test("a FIFO and a symlink to /dev/zero named like config files are skipped, not read")
    func specialFiles() throws {
        let p = try ScratchProject([:])
        #expect(mkfifo(p.root.appendingPathComponent("compose.yaml").path, 0o644) == 0)
        try FileManager.default.createSymbolicLink(atPath: p.root.appendingPathComponent("Caddyfile").path, withDestinationPath: "/dev/zero")
        let report = try p.lint()
        #expect(report.skipped.count == 2)
        #expect(report.skipped.allSatisfy { $0.reason.contains("not a regular file") })
    }

    @Test("garbage in every kind of file never crashes", arguments: ["compose.yaml", "Caddyfile", "a.service", ".env"])
    func garbage(_ name: String) throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let chars = Array("{}[]:\"'`\\\n\t #$=-&*!|>%@,<") + Array("abcXYZ019")
            let text = String((0..<400).map { _ in chars[Int.random(in: 0..<chars.count, using: &rng)] })
            let p = try ScratchProject([ExampleFile(name, text)])
            _ = try p.lint()
        }
    }
}

@Suite("Lint unreadable files")
struct LintUnreadableTests {
    @Test("a file that can't be opened is a lint.unreadable error, exit 2, and the other files are still linted")
    func permissionDenied() throws {
        guard getuid() != 0 else { return }  // root reads everything; the encoding case covers exit 2 there
        let p = try ScratchProject([ExampleFile("a/compose.yaml", "services:\n  x:\n    image: nginx:1.27\n", mode: 0o000), ExampleFile("b/compose.yaml", "services:\n  y:\n    privileged: true\n")])
        let (status, out, _) = try p.run()
        #expect(status == .usage)
        #expect(out.contains("a/compose.yaml: error: cannot read file"))
        #expect(out.contains("compose.privileged"))
    }
}
