import Foundation
import Testing
@testable import SelfhostKit

/// `selfhost lint` must find nothing wrong with what `selfhost render` writes.
@Suite("Render: selfhost lint on the output")
struct RenderLintTests {
    @Test("a box of every renderable app lints with zero errors and zero warnings")
    func lintClean() throws {
        let dir = try TestSupport.tempDirectory("render-lint")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("box")
        let (ctx, _, _) = TestSupport.context(cwd: dir, env: ["PATH": "/usr/bin:/bin"])
        // The docker path as on a server (lint tells a `docker compose` wrapper from a native service by it).
        _ = try RenderCommand.run(.init(apps: RenderTestSupport.renderableApps, domain: "example.com", email: "ops@example.com",
                                        out: out.path, docker: "/usr/bin/docker"),
                                  store: .embedded, context: ctx)
        let report = try LintEngine.lint(paths: [out.path], context: ctx)
        let serious = report.findings.filter { $0.severity >= .warning }
        #expect(serious.isEmpty, "\(serious.map(\.compilerStyle).joined(separator: "\n"))")
        #expect(report.files.count > 100, "lint saw \(report.files.count) files")
        let infos = report.findings.filter { $0.severity == .info }
        #expect(infos.isEmpty, "\(infos.map(\.compilerStyle).joined(separator: "\n"))")
    }
}
