import Foundation
import Testing
@testable import SelfhostKit

@Suite("Recommend")
struct RecommendTests {
    func recommend(_ query: String, maxRAM: String? = nil, license: String? = nil) throws -> (SelfhostKit.ExitStatus, [String: Any], String) {
        let (ctx, out, err) = TestSupport.context()
        let options = RecommendCommand.Options(query: query, maxRAM: try maxRAM.map { try ByteSize(parsing: $0) }, license: license, format: .json)
        let status = try RecommendCommand.run(options, catalog: TestSupport.catalog, context: ctx)
        return (status, try TestSupport.json(out.text), err.text)
    }

    func ids(_ json: [String: Any]) -> [String] {
        (json["alternatives"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test(arguments: [
        ("mailchimp", ["listmonk", "keila", "mautic"]),
        ("google analytics", ["umami", "plausible", "matomo"]),
        ("GA4", ["umami", "plausible", "matomo"]),
        ("heroku", ["dokku", "coolify", "caprover"]),
    ])
    func listsTheExpectedAlternatives(query: String, expected: [String]) throws {
        let (status, json, _) = try recommend(query)
        #expect(status == .success)
        #expect(Set(expected).isSubset(of: Set(ids(json))), "got \(ids(json))")
        let first = try #require((json["alternatives"] as? [[String: Any]])?.first)
        for key in ["id", "license", "openness", "ram_mb", "companions", "parity", "renderable"] where key != "ram_mb" {
            #expect(first[key] != nil, "alternatives[].\(key) missing")
        }
        #expect(first.keys.contains("ram_mb") || first["ram_notes"] != nil)
        #expect((json["saas"] as? [String: Any])?["id"] is String)
    }

    @Test func typoSuggestsTheRightName() throws {
        let (ctx, _, err) = TestSupport.context()
        let status = try RecommendCommand.run(.init(query: "mailchim"), catalog: TestSupport.catalog, context: ctx)
        #expect(status == .problems)
        #expect(err.text.contains("did you mean 'mailchimp'"), "\(err.text)")
    }

    @Test func unknownNameWithoutNeighbours() throws {
        let (ctx, _, err) = TestSupport.context()
        let status = try RecommendCommand.run(.init(query: "zzzzqqqq"), catalog: TestSupport.catalog, context: ctx)
        #expect(status == .problems)
        #expect(err.text.contains("catalog list"))
    }

    @Test func licenseFilterKeepsOnlyThatOpenness() throws {
        let (_, json, _) = try recommend("zapier", license: "osi")
        let alternatives = json["alternatives"] as? [[String: Any]] ?? []
        #expect(alternatives.allSatisfy { $0["openness"] as? String == "osi" })
        let filtered = json["filtered_out"] as? [[String: Any]] ?? []
        #expect(filtered.contains { $0["id"] as? String == "n8n" }, "n8n is fair-code and must be filtered: \(filtered)")
    }

    @Test func maxRAMFiltersAppsThatNeedMore() throws {
        // PostHog states 8 GB; a 2 GB box can't take it.
        let (status, json, _) = try recommend("mixpanel", maxRAM: "2GB")
        #expect(ids(json).contains("posthog") == false)
        #expect(status == .problems)
    }

    @Test func practiceWhenNoAppFits() throws {
        let (status, json, _) = try recommend("google fonts")
        #expect(status == .success)
        #expect(json["practice"] is [String: Any])
    }

    @Test func invalidLicenseFilterIsAUsageError() {
        let (ctx, _, _) = TestSupport.context()
        #expect(throws: SelfhostError.self) {
            try RecommendCommand.run(.init(query: "slack", license: "not a license!"), catalog: TestSupport.catalog, context: ctx)
        }
    }

    @Test func textOutputIsAlignedAndColourless() throws {
        let (ctx, out, _) = TestSupport.context()
        _ = try RecommendCommand.run(.init(query: "mailchimp"), catalog: TestSupport.catalog, context: ctx)
        #expect(!out.text.contains("\u{1B}["))
        #expect(out.text.contains("selfhost render listmonk"))
        let header = try #require(out.text.split(separator: "\n").first { $0.contains("LICENSE") })
        let row = try #require(out.text.split(separator: "\n").first { $0.hasPrefix("1  ") })
        #expect(header.range(of: "LICENSE")?.lowerBound.utf16Offset(in: header) == row.range(of: "AGPL")?.lowerBound.utf16Offset(in: row))
    }
}

@Suite("Suggestions")
struct SuggestionTests {
    @Test func distances() {
        #expect(Suggestions.distance("mailchim", "mailchimp") == 1)
        #expect(Suggestions.distance("slakc", "slack") == 1)
        #expect(Suggestions.nearest(to: "mailchim", in: ["mailchimp", "mattermost", "matomo"]).first == "mailchimp")
        #expect(Suggestions.nearest(to: "xyz", in: ["mailchimp"]).isEmpty)
    }

    @Test func byteSizesAreExact() throws {
        #expect(try ByteSize(parsing: "10TB").bytes == 10_000_000_000_000)
        #expect(try ByteSize(parsing: "10TiB").bytes == 10_995_116_277_760)
        #expect(try ByteSize(parsing: "1.5GB").bytes == 1_500_000_000)
        #expect(try ByteSize(parsing: "512MB").megabytes == 512)
        #expect(throws: SelfhostError.self) { try ByteSize(parsing: "10XB") }
        #expect(throws: SelfhostError.self) { try ByteSize(parsing: "-1GB") }
        #expect(throws: SelfhostError.self) { try ByteSize(parsing: "GB") }
    }
}

@Suite("Recommend JSON nulls")
struct RecommendJSONNullTests {
    /// Unpublished figures are written as null, not left out: consumers can read the key.
    @Test func unpublishedRAMIsNullNotAbsent() throws {
        let (ctx, out, _) = TestSupport.context()
        _ = try RecommendCommand.run(.init(query: "mailchimp", format: .json), catalog: TestSupport.catalog, context: ctx)
        let json = try TestSupport.json(out.text)
        let listmonk = try #require((json["alternatives"] as? [[String: Any]])?.first { $0["id"] as? String == "listmonk" })
        for key in ["ram_mb", "ram_min_mb", "ram_recommended_mb", "install_instructions"] {
            #expect(listmonk.keys.contains(key), "\(key) missing")
            #expect(listmonk[key] is NSNull, "\(key) should be null")
        }
    }

    @Test func tableSaysHowEachAppDeploys() throws {
        let (ctx, out, _) = TestSupport.context()
        _ = try RecommendCommand.run(.init(query: "heroku"), catalog: TestSupport.catalog, context: ctx)
        let row = try #require(out.text.split(separator: "\n").first { $0.hasPrefix("1  Dokku") })
        #expect(row.hasSuffix("host install"))
    }
}
