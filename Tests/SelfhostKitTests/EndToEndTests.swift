import Foundation
import Testing
@testable import SelfhostKit

/// A few tests on the built binary: exit codes, JSON shape, errors without stack traces.
@Suite("End to end")
struct EndToEndTests {
    @Test func recommendJSON() throws {
        let r = try TestSupport.run(["recommend", "mailchimp", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try TestSupport.json(r.stdout)
        #expect((json["saas"] as? [String: Any])?["id"] as? String == "mailchimp")
    }

    @Test func unknownSaaSExitsOneWithSuggestion() throws {
        let r = try TestSupport.run(["recommend", "mailchim"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("did you mean 'mailchimp'"))
    }

    @Test func usageErrorsExitTwo() throws {
        let badSize = try TestSupport.run(["recommend", "slack", "--max-ram", "2XB"])
        #expect(badSize.status == 2)
        #expect(badSize.stderr.contains("--max-ram"))
        let badFlag = try TestSupport.run(["recommend", "slack", "--frobnicate"])
        #expect(badFlag.status == 2)
        let badFormat = try TestSupport.run(["catalog", "list", "--format", "xml"])
        #expect(badFormat.status == 2)
    }

    @Test func malformedUserCatalogIsLocatedExitTwoNoTrace() throws {
        let dir = TestSupport.fixtures.appendingPathComponent("catalog-malformed")
        let r = try TestSupport.run(["recommend", "slack", "--catalog", dir.path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("broken-yaml.yaml:4:1: error: invalid YAML"), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack"))
        let viaEnv = try TestSupport.run(["catalog", "list"], env: ["SELFHOST_CATALOG": dir.path])
        #expect(viaEnv.status == 2)
    }

    @Test func catalogCheckFindsProblemsExitOne() throws {
        let dir = TestSupport.fixtures.appendingPathComponent("catalog-broken")
        let r = try TestSupport.run(["catalog", "check", dir.path])
        #expect(r.status == 1)
        #expect(r.stdout.contains("refapp.yaml:16:8: error: image tag 'latest' floats"), "\(r.stdout)")
        let clean = try TestSupport.run(["catalog", "check"])
        #expect(clean.status == 0, "\(clean.stdout)")
    }

    @Test func catalogListJSONShape() throws {
        let r = try TestSupport.run(["catalog", "list", "--format", "json"])
        #expect(r.status == 0)
        let json = try TestSupport.json(r.stdout)
        let apps = try #require(json["apps"] as? [[String: Any]])
        let saas = try #require(json["saas"] as? [[String: Any]])
        #expect(apps.first?["id"] is String && apps.first?["categories"] is [String])
        #expect(saas.first?["id"] is String && saas.first?["category"] is String)
    }

    /// The binary carries its catalog: copied to an empty directory and run from elsewhere, it still works.
    @Test func binaryIsSelfContained() throws {
        let dir = try TestSupport.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("selfhost")
        try FileManager.default.copyItem(at: TestSupport.binary, to: copy)
        let r = try TestSupport.run(["recommend", "heroku"], binary: copy, cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Dokku"))
    }

    @Test func helpAndCompletions() throws {
        let help = try TestSupport.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("recommend"))
        let completion = try TestSupport.run(["--generate-completion-script", "bash"])
        #expect(completion.status == 0)
        #expect(completion.stdout.contains("_selfhost"))
    }

    @Test func noColourWhenNotATTY() throws {
        let r = try TestSupport.run(["recommend", "slack"])
        #expect(!r.stdout.contains("\u{1B}["))
    }
}
