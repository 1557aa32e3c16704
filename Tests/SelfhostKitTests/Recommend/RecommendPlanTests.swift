import Foundation
import Testing
@testable import SelfhostKit

/// `recommend` with several SaaS (one combined plan), `--strict`, and JSON keys always present.
@Suite("Recommend: combined plan, --strict")
struct RecommendPlanTests {
    func run(_ options: RecommendCommand.Options) throws -> (SelfhostKit.ExitStatus, String, String) {
        let (ctx, out, err) = TestSupport.context()
        let status = try RecommendCommand.run(options, catalog: TestSupport.catalog, context: ctx)
        return (status, out.text, err.text)
    }

    @Test func twoSaaSGiveOnePlanWithOneRenderCommand() throws {
        let (status, out, _) = try run(.init(queries: ["mailchimp", "slack"], format: .json))
        #expect(status == .success)
        let json = try TestSupport.json(out)
        let plan = try #require(json["plan"] as? [String: Any])
        let apps = try #require(plan["apps"] as? [String])
        // The first renderable alternative of each SaaS, each once.
        let first = { (saas: String) in TestSupport.catalog.findSaaS(saas)!.alternatives.map(\.app).first { TestSupport.catalog.app($0)!.isRenderable }! }
        #expect(apps == [first("mailchimp"), first("slack")])
        #expect(plan["render_command"] as? String == "selfhost render \(apps.joined(separator: " ")) --domain example.com")
        let known = apps.compactMap { TestSupport.catalog.app($0)!.plannedRAMMB }.reduce(0, +)
        #expect(plan["ram_mb_known"] as? Int == known)
        #expect((json["recommendations"] as? [[String: Any]])?.count == 2)
        let companions = try #require(plan["companions"] as? [[String: Any]])
        #expect(companions.contains { ($0["kind"] as? String) == "postgres" && ($0["apps"] as? [String])?.count == 2 },
                "listmonk and mattermost both use postgres: \(companions)")
    }

    @Test func theSameAppForTwoSaaSIsListedOnce() throws {
        let (_, out, _) = try run(.init(queries: ["github", "gh", "heroku"], format: .json))
        let plan = try #require(try TestSupport.json(out)["plan"] as? [String: Any])
        let apps = plan["apps"] as? [String] ?? []
        #expect(Set(apps).count == apps.count)
        #expect((plan["picks"] as? [Any])?.count == 2, "github and its alias gh are one SaaS")
    }

    @Test func planTextFitsAndNamesTheNextCommand() throws {
        let (ctx, out, _) = TestSupport.context(env: ["COLUMNS": "80"])
        _ = try RecommendCommand.run(.init(queries: ["mailchimp", "slack", "google analytics"]), catalog: TestSupport.catalog, context: ctx)
        #expect(out.text.contains("Next: selfhost render "), "\(out.text)")
        #expect(out.text.contains("RAM: "))
        #expect(out.text.split(separator: "\n").allSatisfy { String($0).displayWidth <= 80 }, "\(out.text)")
    }

    @Test func anUnknownSaaSInThePlanStopsItWithASuggestion() throws {
        let (status, out, err) = try run(.init(queries: ["slack", "mailchim"]))
        #expect(status == .problems)
        #expect(out.isEmpty, "no half plan")
        #expect(err.contains("did you mean 'mailchimp'"), "\(err)")
    }

    @Test func unknownRAMPassesMaxRAMUnlessStrict() throws {
        let loose = try TestSupport.json(try run(.init(query: "slack", maxRAM: try ByteSize(parsing: "1GB"), format: .json)).1)
        let ids = (loose["alternatives"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(ids.contains("rocketchat"), "Rocket.Chat publishes no RAM figure and passes by default: \(ids)")
        let (_, text, _) = try run(.init(query: "slack", maxRAM: try ByteSize(parsing: "1GB")))
        let prose = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(prose.contains("an unknown figure passes the filter (--strict drops it)"), "\(text)")
        let strict = try TestSupport.json(try run(.init(query: "slack", maxRAM: try ByteSize(parsing: "1GB"), strict: true, format: .json)).1)
        let strictIDs = (strict["alternatives"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        #expect(!strictIDs.contains("rocketchat"))
        let filtered = strict["filtered_out"] as? [[String: Any]] ?? []
        #expect(filtered.contains { $0["id"] as? String == "rocketchat" && ($0["reason"] as? String ?? "").contains("--strict") })
    }

    @Test func practiceKeyIsAlwaysPresent() throws {
        let (_, out, _) = try run(.init(query: "mailchimp", format: .json))
        let json = try TestSupport.json(out)
        #expect(json.keys.contains("practice"), "JSON.md: keys always present")
        #expect(json["practice"] is NSNull)
    }

    @Test func suggestionsNeedACloseName() {
        let names = TestSupport.catalog.saasNamesForSuggestions
        #expect(Suggestions.nearest(to: "hotmail", in: names).isEmpty)  // gmail is an alias of google-workspace now
        #expect(Suggestions.nearest(to: "", in: names).isEmpty)
        #expect(Suggestions.nearest(to: "slak", in: names).contains("slack"))
        #expect(Suggestions.nearest(to: "mailchim", in: names).contains("mailchimp"))
    }
}
