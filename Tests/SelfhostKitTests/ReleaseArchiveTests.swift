import Foundation
import Testing

/// `scripts/release.sh` builds the archive: the static binary, completions and the man page.
/// A release build takes many minutes, so this runs only when asked (SELFHOST_RELEASE_TEST=1).
@Suite("Release archive")
struct ReleaseArchiveTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["SELFHOST_RELEASE_TEST"] == "1"))
    func archiveHoldsBinaryCompletionsAndManPage() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let out = try TestSupport.tempDirectory("selfhost-release")
        defer { try? FileManager.default.removeItem(at: out) }
        let build = try TestSupport.run([out.path], binary: root.appendingPathComponent("scripts/release.sh"), cwd: root)
        #expect(build.status == 0, "\(build.stderr.suffix(2000))")
        let archive = build.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(archive.hasSuffix(".tar.gz"))
        let list = try TestSupport.run(["-tzf", archive], binary: URL(fileURLWithPath: "/bin/tar"))
        for part in ["/bin/selfhost", "/share/man/man1/selfhost.1", "/share/bash-completion/completions/selfhost",
                     "/share/zsh/site-functions/_selfhost", "/share/fish/vendor_completions.d/selfhost.fish"] {
            #expect(list.stdout.contains(part), "\(part) missing from \(list.stdout)")
        }
    }
}
