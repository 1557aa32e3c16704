import Foundation
import Testing
@testable import SelfhostKit

/// `selfhost cost` through the built binary: exit codes, stderr, JSON on stdout.
@Suite("Cost: CLI")
struct CostCLITests {
    @Test func egressJSONOnStdout() throws {
        let r = try TestSupport.run(["cost", "--egress", "10TiB", "--providers", "aws", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let aws = try #require((json["options"] as? [[String: Any]])?.first)
        #expect((aws["egress_usd"] as? NSNumber)?.doubleValue == 912.6)
    }

    @Test func legacyFlagAndComma() throws {
        let r = try TestSupport.run(["cost", "--egress", "10TiB", "--providers", "aws,hetzner", "--aws-free-tier", "legacy"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("$921.51"))
        #expect(r.stdout.contains("Hetzner"))
    }

    @Test func badInputExitsTwoWithAcceptedForms() throws {
        let unit = try TestSupport.run(["cost", "--egress", "10XB"])
        #expect(unit.status == 2)
        #expect(unit.stderr.contains("unknown unit 'XB'") && unit.stderr.contains("10TiB"), "\(unit.stderr)")
        let negative = try TestSupport.run(["cost", "--egress=-5TB"])
        #expect(negative.status == 2)
        #expect(negative.stderr.contains("must not be negative"), "\(negative.stderr)")
        let provider = try TestSupport.run(["cost", "--egress", "1TB", "--providers", "awz"])
        #expect(provider.status == 2)
        #expect(provider.stderr.contains("aws"), "\(provider.stderr)")
        let saas = try TestSupport.run(["cost", "--saas", "mailchimpp=5000contacts"])
        #expect(saas.status == 2)
        #expect(saas.stderr.contains("mailchimp"), "\(saas.stderr)")
        #expect(!saas.stderr.contains("Fatal error"))
    }
}
