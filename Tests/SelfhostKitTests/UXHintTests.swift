import Foundation
import Testing
@testable import SelfhostKit

/// What a new user trips over, on the built binary: hints that name the next command, exit 2
/// for usage mistakes, exactly one JSON document on stdout for every error with --format json,
/// and the same --catalog handling in every command.
@Suite("New-user hints and JSON errors (binary)")
struct UXHintTests {
    @Test(arguments: [
        ["catalog", "show", "nope", "--format", "json"],
        ["cost", "--egress", "ten", "--format", "json"],
        ["render", "nope", "--format", "json"],
        ["lint", "/nonexistent", "--format", "json"],
        ["recommend", "zzzzqqqq", "--format", "json"],
        ["catalog", "show", "", "--format", "json"],
        ["lint", "", "--format", "json"],
    ])
    func everyErrorPrintsOneJSONDocument(args: [String]) throws {
        let r = try TestSupport.run(args)
        #expect(r.status == 1 || r.status == 2, "\(args): \(r.status)")
        let json = try TestSupport.json(r.stdout)  // throws on none, or on two documents glued together
        #expect(json["error"] is [String: Any] || json["suggestions"] is [Any], "\(args): \(r.stdout)")
        #expect(!r.stderr.isEmpty, "people still get the message on stderr")
    }

    @Test func misspeltCommandSuggestsTheRightOne() throws {
        let r = try TestSupport.run(["recomend", "mailchimp"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown command 'recomend'") && r.stderr.contains("did you mean 'recommend'"), "\(r.stderr)")
    }

    @Test func helpForAnUnknownCommandExitsTwo() throws {
        let r = try TestSupport.run(["help", "nope"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no command 'nope'"), "\(r.stderr)")
        let ok = try TestSupport.run(["help", "recommend"])
        #expect(ok.status == 0 && ok.stdout.contains("--max-ram"))
    }

    @Test func sizeSplitBySpaceSuggestsJoiningIt() throws {
        let r = try TestSupport.run(["cost", "--egress", "10", "TB"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("10TB"), "\(r.stderr)")
    }

    @Test func hugeArgumentIsNotEchoedBack() throws {
        let huge = String(repeating: "a", count: 100_000)
        for args in [["render", huge], ["catalog", "show", huge], ["recommend", huge], [huge]] {
            let r = try TestSupport.run(args)
            #expect(r.status == 1 || r.status == 2)
            #expect(r.stderr.count < 2_000, "\(args.count) args: \(r.stderr.count) bytes on stderr")
            #expect(r.stderr.contains("100000 characters"), "\(r.stderr.prefix(300))")
        }
    }

    @Test func renderOfASaaSPointsToRecommend() throws {
        let r = try TestSupport.run(["render", "mailchimp", "--domain", "example.com", "--dry-run"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("selfhost recommend mailchimp"), "\(r.stderr)")
    }

    @Test func emptyShowIdIsAUsageError() throws {
        let r = try TestSupport.run(["catalog", "show", ""])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no id given"), "\(r.stderr)")
        #expect(!r.stderr.contains("did you mean"))
    }

    @Test func unknownSaaSPointsToCatalogSearch() throws {
        // Names no catalog entry will take (typeform, notion and youtube, used here before, are in the catalog now).
        for name in ["tinder", "fortnite", "tiktok"] {
            let r = try TestSupport.run(["recommend", name])
            #expect(r.status == 1)
            #expect(r.stderr.contains("selfhost catalog search \(name)"), "\(name): \(r.stderr)")
        }
        let hotmail = try TestSupport.run(["recommend", "hotmail"])
        #expect(!hotmail.stderr.contains("mailchimp"), "\(hotmail.stderr)")
    }

    @Test func malformedUserCatalogStopsCostAndRenderToo() throws {
        let dir = TestSupport.fixtures.appendingPathComponent("catalog-malformed")
        for args in [["cost", "--egress", "1TB"], ["render", "umami", "--dry-run"], ["catalog", "list"], ["recommend", "slack"]] {
            let r = try TestSupport.run(args + ["--catalog", dir.path])
            #expect(r.status == 2, "\(args): \(r.status)")
            #expect(r.stderr.contains("broken-yaml.yaml:4:1"), "\(args): \(r.stderr)")
        }
        // catalog check still lists every problem (exit 1), not the first one only.
        let check = try TestSupport.run(["catalog", "check", dir.path])
        #expect(check.status == 1, "\(check.stderr)")
    }

    @Test func completionsOfferAppSaaSAndRuleIds() throws {
        let bash = try TestSupport.run(["--generate-completion-script", "bash"])
        #expect(bash.status == 0)
        #expect(bash.stdout.contains("---completion"), "custom completions call back into the binary")
        // Ask the binary the way the scripts do: argument, word index, cursor index, the command line.
        let apps = try TestSupport.run(["---completion", "render", "--", "positional@0", "2", "4", "selfhost", "render", "umam"])
        #expect(apps.stdout.split(separator: "\n").contains("umami"), "\(apps.stdout.prefix(200)) \(apps.stderr.prefix(200))")
        let saas = try TestSupport.run(["---completion", "recommend", "--", "positional@0", "2", "5", "selfhost", "recommend", "mailc"])
        #expect(saas.stdout.split(separator: "\n").contains("mailchimp"), "\(saas.stdout.prefix(200))")
        let rules = try TestSupport.run(["---completion", "lint", "--", "--explain", "3", "12", "selfhost", "lint", "--explain", "compose.rest"])
        #expect(rules.stdout.split(separator: "\n").contains("compose.restart-value"), "\(rules.stdout.prefix(200))")
    }
}
