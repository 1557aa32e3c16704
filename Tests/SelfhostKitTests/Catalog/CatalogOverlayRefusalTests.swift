import Foundation
import Testing
@testable import SelfhostKit

/// A broken `--catalog` overlay is refused the same way by every command that reads the catalog:
/// exit 2, the same first problem at the same `file:line:col`, on the built binary. The overlay
/// goes through one path (`CatalogSource` → `CatalogLoader` → the YAML layer) whatever the command.
@Suite("Catalog overlay: refused the same way by every command")
struct CatalogOverlayRefusalTests {
    /// One way of breaking an overlay: the file to write and what the refusal must say.
    struct Breakage: Sendable, CustomStringConvertible {
        var name: String
        var path: String
        var contents: @Sendable () throws -> String
        /// `file:line:col: error: message` as it must appear on stderr (file relative to the overlay).
        var expected: String
        var description: String { name }
    }

    static func shipped(_ path: String) throws -> String {
        try #require(ResourceStore.embedded.file(path)).contents
    }

    /// The 1-based line of the first line of `text` starting with `prefix`.
    static func line(of prefix: String, in text: String) -> Int {
        (TextLines.split(text).firstIndex { $0.hasPrefix(prefix) } ?? -1) + 1
    }

    static let breakages: [Breakage] = [
        Breakage(name: "malformed YAML", path: "apps/broken-yaml.yaml",
                 contents: { "id: broken-yaml\nname: \"Unclosed quote\nsummary: x\n" },
                 expected: "apps/broken-yaml.yaml:4:1: error: invalid YAML"),
        Breakage(name: "wrong type in an app", path: "apps/umami.yaml",
                 contents: { try shipped("catalog/apps/umami.yaml").replacingOccurrences(of: "\nlanguage: TypeScript\n", with: "\nlanguage: [TypeScript]\n") },
                 expected: "apps/umami.yaml:\(line(of: "language:", in: (try? shipped("catalog/apps/umami.yaml")) ?? "")):11: error: 'language' must be a string"),
        Breakage(name: "unknown key in a price list", path: "pricing/hetzner.yaml",
                 contents: { try shipped("catalog/pricing/hetzner.yaml").replacingOccurrences(of: "\ncurrency:", with: "\ncurrncy:") },
                 expected: "pricing/hetzner.yaml:\(line(of: "currency:", in: (try? shipped("catalog/pricing/hetzner.yaml")) ?? "")):1: error: unknown key 'currncy' in pricing file; did you mean 'currency'?"),
        Breakage(name: "unknown key in an e-mail provider", path: "email-providers/ses.yaml",
                 contents: { try shipped("catalog/email-providers/ses.yaml").replacingOccurrences(of: "\nnotes:", with: "\nnotess:") },
                 expected: "email-providers/ses.yaml:\(line(of: "notes:", in: (try? shipped("catalog/email-providers/ses.yaml")) ?? "")):1: error: unknown key 'notess' in email provider; did you mean 'notes'?"),
    ]

    /// Every command that reads the catalog, as a user would type it (all local: the resolver is a
    /// closed loopback port and the catalog is refused before anything else happens).
    static let commands: [[String]] = [
        ["recommend", "slack"],
        ["catalog", "list"],
        ["catalog", "show", "umami"],
        ["catalog", "search", "analytics"],
        ["render", "umami", "--domain", "example.com", "--out", "box"],
        ["cost", "--saas", "slack=12seats", "--apps", "rocketchat"],
        ["preflight", "--domain", "b.test", "--esp", "ses", "--resolver", "127.0.0.1:9"],
    ]

    @Test("exit 2 with the problem's file:line:col", arguments: breakages)
    func refusedEverywhere(_ breakage: Breakage) throws {
        let dir = try TestSupport.tempDirectory("overlay")
        defer { try? FileManager.default.removeItem(at: dir) }
        let overlay = dir.appendingPathComponent("catalog-overlay")
        let file = overlay.appendingPathComponent(breakage.path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let text = try breakage.contents()
        try text.write(to: file, atomically: true, encoding: .utf8)
        let expected = overlay.path + "/" + breakage.expected
        for command in Self.commands {
            let r = try TestSupport.run(command + ["--catalog", overlay.path], cwd: dir)
            #expect(r.status == 2, "\(command): \(r.stderr)")
            #expect(r.stderr.contains(expected), "\(command) said: \(r.stderr)\nexpected: \(expected)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("box").path), "\(command) wrote output")
        }
        // catalog check lists the same problem (exit 1: problems found), at the same place.
        let check = try TestSupport.run(["catalog", "check", overlay.path], cwd: dir)
        #expect(check.status == 1, "\(check.stdout)")
        #expect(check.stdout.contains(expected), "catalog check said: \(check.stdout)")
    }

    @Test("the JSON error carries the same location")
    func jsonError() throws {
        let dir = try TestSupport.tempDirectory("overlay")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("apps/broken-yaml.yaml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "id: broken-yaml\nname: \"Unclosed quote\nsummary: x\n".write(to: file, atomically: true, encoding: .utf8)
        for command in [["recommend", "slack"], ["cost", "--saas", "slack=12seats"]] {
            let r = try TestSupport.run(command + ["--catalog", dir.path, "--format", "json"])
            #expect(r.status == 2)
            #expect(r.stdout.contains("broken-yaml.yaml") || r.stderr.contains("broken-yaml.yaml"), "\(command): \(r.stdout) \(r.stderr)")
        }
    }
}
