import Foundation
import Testing
@testable import SelfhostKit

/// Golden files for the fixture apps (umami, gitea): every rendered file except `.env` (random
/// secrets), the gate password and the manifest (the gate's bcrypt hash is masked). Re-record with SELFHOST_RECORD_GOLDEN=1; a mismatch shows a diff.
@Suite("Render: golden files")
struct RenderGoldenTests {
    static let placeholder = "/OUT"

    @Test("umami + gitea render as recorded")
    func golden() throws {
        // A fixed output path (planned, not written): the units depend on where the box lives
        // (/tmp gets BindPaths=), which must not depend on the machine's TMPDIR.
        let out = URL(fileURLWithPath: "/srv/selfhost-golden-\(UUID().uuidString)/box")
        let (ctx, _, _) = TestSupport.context(cwd: out.deletingLastPathComponent(), env: ["PATH": "/usr/bin:/bin"])
        let (_, planned) = try RenderCommand.render(
            .init(apps: ["umami", "gitea"], domain: "example.com", hosts: ["umami=stats.example.com"], email: "ops@example.com",
                  out: out.path, docker: RenderTestSupport.docker, dryRun: true),
            store: try RenderTestSupport.fixtureStore(), context: ctx)
        #expect(!FileManager.default.fileExists(atPath: out.deletingLastPathComponent().path))
        // Random per render: secrets in .env, the setup gate's password and its bcrypt hash (masked).
        let files = planned.filter { !$0.key.hasSuffix(".env") && !$0.key.hasPrefix(".selfhost/") && !$0.key.hasSuffix("/gate-password") }
            .mapValues { $0.replacingOccurrences(of: #"\$2a\$10\$[./A-Za-z0-9]{53}"#, with: #"\$2a\$10\$BCRYPT-HASH"#, options: .regularExpression) }
        let golden = RenderTestSupport.goldenDirectory
        let record = ProcessInfo.processInfo.environment["SELFHOST_RECORD_GOLDEN"] == "1"
        if record {
            try? FileManager.default.removeItem(at: golden)
        }
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            let normalized = content.replacingOccurrences(of: out.path, with: Self.placeholder)
            let url = golden.appendingPathComponent(path)
            if record {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try normalized.write(to: url, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
                Issue.record("no golden file for \(path); run with SELFHOST_RECORD_GOLDEN=1 to record it")
                continue
            }
            if expected != normalized {
                Issue.record("\(path) differs from its golden file (SELFHOST_RECORD_GOLDEN=1 re-records):\n\(Self.diff(expected, normalized))")
            }
        }
        if !record {
            let recorded = Set(RenderTestSupport.snapshot(golden).keys)
            #expect(recorded == Set(files.keys), "golden files and rendered files differ in names")
        }
    }

    /// A line diff (`-` expected, `+` actual), via diff(1) when available.
    static func diff(_ a: String, _ b: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fa = dir.appendingPathComponent("expected"), fb = dir.appendingPathComponent("actual")
        try? a.write(to: fa, atomically: true, encoding: .utf8)
        try? b.write(to: fb, atomically: true, encoding: .utf8)
        if let r = try? RenderTestSupport.run("/usr/bin/diff", ["-u", fa.path, fb.path]) { return r.output }
        return "expected:\n\(a)\nactual:\n\(b)"
    }
}
