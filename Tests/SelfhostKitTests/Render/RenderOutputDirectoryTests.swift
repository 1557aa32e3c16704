import Foundation
import Testing
@testable import SelfhostKit

/// An output directory that can't be written is refused before anything is written (exit 2, a
/// message and a hint), and no file-system error ever reaches people as a raw NSError.
@Suite("Render: output directory checks")
struct RenderOutputDirectoryTests {
    static let longName = String(repeating: "x", count: 300)

    @Test("an unusable --out exits 2 with a message, through the real binary, and writes nothing", arguments: [
        "afile", "/dev/null", "", longName, "/proc/selfhost-box", "box-with-systemd-file",
    ])
    func unusableOut(_ out: String) throws {
        let dir = try TestSupport.tempDirectory("render-out")
        defer { try? FileManager.default.removeItem(at: dir) }
        try "not a directory\n".write(to: dir.appendingPathComponent("afile"), atomically: true, encoding: .utf8)
        let box = dir.appendingPathComponent("box-with-systemd-file")
        try FileManager.default.createDirectory(at: box, withIntermediateDirectories: true)
        try "mine\n".write(to: box.appendingPathComponent("systemd"), atomically: true, encoding: .utf8)
        let before = RenderTestSupport.snapshot(dir)

        let r = try TestSupport.run(["render", "umami", "--domain", "example.com", "--out", out, "--docker", RenderTestSupport.docker], cwd: dir)
        #expect(r.status == 2, "exit \(r.status): \(r.stderr)")
        #expect(r.stderr.hasPrefix("error: --out "), "\(r.stderr)")
        #expect(r.stderr.contains(out.isEmpty ? "is empty" : "is not a writable directory"), "\(r.stderr)")
        #expect(r.stderr.contains("hint:"), "\(r.stderr)")
        #expect(!r.stderr.contains("Error Domain") && !r.stderr.contains("NSCocoaErrorDomain"), "\(r.stderr)")
        #expect(RenderTestSupport.snapshot(dir) == before, "files were written")
        #expect(try FileManager.default.contentsOfDirectory(atPath: box.path) == ["systemd"])
    }

    @Test("a read-only place is found by trying, before writing (root may write anywhere else)")
    func readOnlyMount() throws {
        // /proc/sys is read-only even for root in a container and on a host; /proc refuses new entries.
        for out in ["/proc/sys/selfhost-box", "/proc/selfhost-box"] {
            let (ctx, _, _) = TestSupport.context(cwd: URL(fileURLWithPath: "/"), env: ["PATH": "/usr/bin:/bin"])
            do {
                _ = try RenderCommand.run(.init(apps: ["umami"], domain: "example.com", out: out, docker: RenderTestSupport.docker),
                                          store: try RenderTestSupport.fixtureStore(), context: ctx)
                Issue.record("\(out) was accepted")
            } catch let e as SelfhostError {
                #expect(e.status == .usage)
                #expect(e.message.hasPrefix("--out \(out) is not a writable directory"), "\(e.message)")
            }
        }
    }

    @Test("a dry run reports conflicts too but doesn't probe")
    func dryRunConflicts() throws {
        let dir = try TestSupport.tempDirectory("render-out-dry")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("afile")
        try "x\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: SelfhostError.self) { try RenderTestSupport.render(["umami"], out: file, store: try RenderTestSupport.fixtureStore(), dryRun: true) }
    }

    @Test("file-system errors become SelfhostError messages, never `Error Domain=…`")
    func wrappedErrors() throws {
        let dir = try TestSupport.tempDirectory("render-out-wrap")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("afile")
        try "x\n".write(to: file, atomically: true, encoding: .utf8)
        do {
            try AtomicFile.write("y", to: file.appendingPathComponent("sub/z"))
            Issue.record("writing under a regular file succeeded")
        } catch let e as SelfhostError {
            #expect(e.message.contains("cannot create the directory"), "\(e.message)")
            #expect(!e.message.contains("Error Domain"), "\(e.message)")
        }
        var raw: (any Error)?
        do { try FileManager.default.createDirectory(at: file.appendingPathComponent("d"), withIntermediateDirectories: true) } catch { raw = error }
        let text = RenderOutputCheck.describe(try #require(raw))
        #expect(!text.contains("Error Domain") && !text.isEmpty, "\(text)")
    }
}
